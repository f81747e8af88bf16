/**
 * The README's five-minute tour, done as a reader would: its code, taken from the README, written
 * into a copy of the app (tests/app-copy.ts), `npm run dev` started there, and the ping tried
 * between two people in two browsers. A tour that no longer compiles or works fails here.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { type ServerProcess, startServerProcess } from "whisk/testing";
import { copyOfTheApp, PROJECT_ROOT } from "../tests/app-copy";

/** The tour's steps: each one's file (the first path in its bold title line) and its code block. */
function tourSteps(): Map<string, string> {
  const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
  const tour = readme.slice(readme.indexOf("## A five-minute tour"), readme.indexOf("### Going further"));
  const steps = new Map<string, string>();
  for (const [, file = "", code = ""] of tour.matchAll(/^\*\*\d+\.[^\n]*?`([\w/.-]+\.tsx?)`[\s\S]*?```tsx?\n([\s\S]*?)```/gm)) {
    steps.set(file, code);
  }
  return steps;
}

/** `text` with `from` replaced, failing loudly when `from` is not there. */
function edited(text: string, from: string | RegExp, to: string): string {
  expect(text).toMatch(from);
  return text.replace(from, to);
}

let app: ReturnType<typeof copyOfTheApp> | undefined;
let dev: ServerProcess | undefined;

test.beforeAll(async () => {
  test.setTimeout(150_000);
  const steps = tourSteps();
  expect([...steps.keys()]).toEqual([
    "server/routes/ping.ts",
    "server/observers/ping.ts",
    "server/app.ts",
    "app/components/ping.tsx",
    "app/components/hello-world.tsx",
  ]);
  app = copyOfTheApp("tour");
  const file = (path: string) => join((app as { dir: string }).dir, path);
  const step = (path: string) => steps.get(path) ?? "";
  // Steps 1, 2 and 4 are whole files.
  for (const path of ["server/routes/ping.ts", "server/observers/ping.ts", "app/components/ping.tsx"])
    writeFileSync(file(path), step(path));
  // Step 3: the imports, and the lists as shown.
  const [imports = "", lists = ""] = step("server/app.ts").split("\n\n");
  const defineImport = 'import { defineWhiskApp } from "whisk/server";\n';
  let appTs = readFileSync(file("server/app.ts"), "utf8");
  appTs = edited(appTs, defineImport, `${defineImport}${imports}\n`);
  appTs = edited(appTs, /export const app = defineWhiskApp\(\{[\s\S]*?\}\);\n/, lists);
  writeFileSync(file("server/app.ts"), appTs);
  // Step 5: the import, the pings above the form, and a button beside each line (Biome, which
  // formats the README's code too, ends that snippet with a semicolon: not wanted inside JSX).
  const statusImport = 'import { ConnectionStatus } from "./connection-status";\n';
  let hello = readFileSync(file("app/components/hello-world.tsx"), "utf8");
  hello = edited(hello, statusImport, `${statusImport}import { Ping, PingsReceived } from "./ping";\n`);
  hello = edited(hello, "<form onSubmit={say}", "<PingsReceived />\n<form onSubmit={say}");
  hello = edited(hello, /<p key=\{line\.id\}>[\s\S]*?<\/p>/, step("app/components/hello-world.tsx").trim().replace(/;$/, ""));
  writeFileSync(file("app/components/hello-world.tsx"), hello);

  dev = await startServerProcess({
    cwd: app.dir,
    mode: "development",
    env: { WHISK_NODE_ID: "tour", LOG_LEVEL: "warn" },
    readyTimeoutMs: 90_000,
  });
});

test.afterAll(async () => {
  await dev?.stop();
  app?.remove();
});

test("the tour's ping, between two people", async ({ browser }) => {
  test.setTimeout(120_000);
  const url = (dev as ServerProcess).url;
  const ann = await (await browser.newContext()).newPage();
  const ben = await (await browser.newContext()).newPage();
  // The first visit compiles the page in development: give it time.
  await ann.goto(`${url}/hello`, { timeout: 90_000 });
  await ben.goto(`${url}/hello`, { timeout: 60_000 });
  await expect(ann.getByRole("status")).toHaveText("Connected to tour", { timeout: 30_000 });
  await expect(ben.getByRole("status")).toHaveText("Connected to tour", { timeout: 30_000 });
  const benName = (await ben.getByText(/^You are User \d+\.$/).textContent())?.match(/User (\d+)/)?.[1];

  await ann.getByRole("textbox", { name: "Message" }).fill("ping me, please");
  await ann.getByRole("button", { name: "Send" }).click();
  const annsLine = ben.getByRole("log").getByText(/said "ping me, please"/);
  await annsLine.getByRole("button", { name: "Ping" }).click();

  await expect(ann.getByRole("note", { name: "Pings" })).toHaveText(`User ${benName} pinged you`);
  await expect(ben.getByRole("note", { name: "Pings" })).toHaveText("");
});
