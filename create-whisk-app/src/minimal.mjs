// The minimal template: the chat-room demo removed, the hello-world page at "/".
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const OVERLAY = join(dirname(fileURLToPath(import.meta.url)), "..", "variants", "minimal");

/** Files and folders of the chat-room demo. */
export const CHAT_FILES = [
  "server/routes/room.ts",
  "server/observers/room.ts",
  "server/workers/chat.ts",
  "server/rooms.ts",
  "app/rooms",
  "app/hello",
  "app/components/chat-room.tsx",
  "app/components/composer.tsx",
  "app/components/feed.tsx",
  "app/components/presence-list.tsx",
  "app/components/sign-in-form.tsx",
  "app/lib/use-room-feed.ts",
  "e2e/chat-room.spec.ts",
  "tests/integration/chat-routes.test.ts",
];

/** Text edits to files the demo touches: [file, from, to]. A missing `from` is an error, so drift is caught. */
const EDITS = [
  ["app/actions.ts", 'import { DEFAULT_ROOM } from "../server/rooms";\n', ""],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal, replaced as text
  ["app/actions.ts", "redirect(`/rooms/${DEFAULT_ROOM}`);", 'redirect("/");'],
];

/** @param {string} target */
export function applyMinimal(target) {
  for (const f of CHAT_FILES) rmSync(join(target, f), { recursive: true, force: true });
  cpSync(OVERLAY, target, { recursive: true });
  for (const [file, from, to] of EDITS) {
    const path = join(target, file);
    const text = readFileSync(path, "utf8");
    if (!text.includes(from)) throw new Error(`minimal template: ${file} no longer contains ${JSON.stringify(from)}`);
    writeFileSync(path, text.replace(from, to));
  }
}
