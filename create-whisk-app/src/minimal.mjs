// The minimal template: the chat-room demo (and what only measures or pictures it) removed; the
// hello-world page at "/" as well as "/hello".
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const OVERLAY = join(dirname(fileURLToPath(import.meta.url)), "..", "variants", "minimal");

/** Files and folders of the chat-room demo, and of what needs it: its tests, benchmark and pictures. */
export const CHAT_FILES = [
  "server/routes/room.ts",
  "server/workers/chat.ts",
  "server/rooms.ts",
  "server/chat-rooms.ts",
  "server/chat-inbox.ts",
  "server/person.ts",
  "server/looks-alike.ts",
  "server/looks-alike.test.ts",
  "app/rooms",
  // The chat's token route, its provider's fallback (members only).
  "app/api/chat-token",
  "app/components/chat-room.tsx",
  "app/components/composer.tsx",
  "app/components/feed.tsx",
  "app/components/feed.test.tsx",
  "app/components/presence-list.tsx",
  "app/components/sign-in-form.tsx",
  "app/lib/use-room-feed.ts",
  "e2e/chat-room.spec.ts",
  "e2e/chat-on-redis-cluster.spec.ts",
  // The many-users kit's README example whispers in a chat room.
  "e2e/kit-example.spec.ts",
  // The examples: the chat's terminal client (it enters a room), and its test with a browser user.
  "examples",
  "e2e/chit-chat.spec.ts",
  "tests/integration/chat-routes.test.ts",
  "tests/integration/chat-lines.ts",
  "tests/integration/chat-presence-cluster.test.ts",
  // Attacks on the chat's rooms: history pages, guests and names in a room.
  "tests/integration/attack-answers.test.ts",
  "tests/integration/attack-guests.test.ts",
  // The bus-gap fill is shown on the chat's kept room messages.
  "tests/integration/bus-gap.test.ts",
  "tests/integration/fixtures/hostile-history-readers.ts",
  // Metrics and traces are shown on a chat line through the chat's worker; the devtools on the
  // chat page and its rooms across nodes; the page-minted token on the rooms' layout.
  "tests/integration/traces-and-metrics.test.ts",
  "tests/integration/otlp-collector.ts",
  "tests/integration/devtools.test.ts",
  "e2e/devtools.spec.ts",
  "e2e/first-token.spec.ts",
  // The benchmark drives the chat's room routes.
  "bench",
  "tests/integration/bench-smoke.test.ts",
  "docs/BENCHMARKS.md",
  "scripts/screenshots.ts",
  "docs/room-desktop-dark.png",
  "docs/room-desktop-light.png",
  "docs/room-phone-dark.png",
  "docs/room-phone-light.png",
];

/** package.json scripts that run removed files. */
const CHAT_SCRIPTS = ["bench", "screenshots", "chit-chat"];

const MINIMAL_README_SECTION = `## The minimal start

This app was created with \`--template minimal\`: \`/\` (and \`/hello\`) is the original Whisk
hello-world: open it in two browsers, and what one says, both see. Its whole real-time side is
\`server/routes/world.ts\` and \`server/observers/world.ts\`; add your own groups next to them and
list them in \`server/app.ts\`. The chat-room demo, its benchmark and its screenshots are in the
chat template (\`npm create whisk-app my-app -- --template chat\`).

`;

/**
 * Text edits to files the demo touches: [file, from, to]. A missing `from` is an error, so a change
 * to the repository that the minimal template has not followed fails the scaffolder's tests.
 * @type {[string, string | RegExp, string][]}
 */
const EDITS = [
  ["app/actions.ts", 'import { DEFAULT_ROOM } from "@/server/rooms";\n', ""],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal, replaced as text
  ["app/actions.ts", "redirect(`/rooms/${DEFAULT_ROOM}`);", 'redirect("/");'],
  // The session keeps the chat's room: the minimal app keeps only the hello-world's fields.
  ["server/session-data.ts", 'import { roomIdSchema } from "./rooms";\n', ""],
  ["server/session-data.ts", /\n\s*\/\*\* The chat room [^\n]*\n\s*room: roomIdSchema,/, ""],
  ["README.md", /## The demo: a chat with four rooms\n[\s\S]*?(?=\n## )\n/, MINIMAL_README_SECTION],
  ["README.md", /\nbench\/ [^\n]*/, ""],
  // The tour's server/app.ts lists this template's groups (e2e/tour.spec.ts writes it as shown).
  [
    "README.md",
    "rooms: [chatRooms, chatInbox],\n  routes: [worldRoutes, roomRoutes, pingRoutes],\n  observers: [worldObservers, pingObservers],\n  workers: [chatWorkers],",
    "routes: [worldRoutes, pingRoutes],\n  observers: [worldObservers, pingObservers],\n  workers: [],",
  ],
];

/**
 * Turns a copy of the chat template at `target` into the minimal one.
 * @param {string} target
 * @param {{ scripts?: Record<string, string> }} pkg the new app's package.json, edited in place
 */
export function applyMinimal(target, pkg) {
  for (const f of CHAT_FILES) rmSync(join(target, f), { recursive: true, force: true });
  for (const script of CHAT_SCRIPTS) delete pkg.scripts?.[script];
  cpSync(OVERLAY, target, { recursive: true });
  for (const [file, from, to] of EDITS) {
    const path = join(target, file);
    const text = readFileSync(path, "utf8");
    const found = typeof from === "string" ? text.includes(from) : from.test(text);
    if (!found) throw new Error(`minimal template: ${file} no longer contains ${String(from)}`);
    writeFileSync(path, text.replace(from, to));
  }
}
