/**
 * `npm run dev` applies an edit under server/ in place: the same socket gets the new code at its
 * next event, nobody is signed out, and an edit that does not type-check or load changes nothing
 * (the last good version keeps serving). The dev server runs on a copy of the app (tests/app-copy.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "whisk/testing";
import { copyOfTheApp, PROJECT_ROOT } from "../app-copy";
import { connect, requestRaw, requestToken } from "./clients";

const state = mkdtempSync(join(tmpdir(), "whisk-dev-reload-"));
let app: ReturnType<typeof copyOfTheApp> | undefined;
let copy = "";
let server: ServerProcess | undefined;
let socket: Socket | undefined;

beforeAll(async () => {
  app = copyOfTheApp("dev-reload");
  copy = app.dir;
  server = await startServerProcess({
    cwd: copy,
    mode: "development",
    env: { WHISK_NODE_ID: "dev-reload", WHISK_DEV_STATE_DIR: state, LOG_LEVEL: "info" },
    readyTimeoutMs: 90_000,
  });
}, 120_000);

afterAll(async () => {
  socket?.close();
  await server?.stop();
  app?.remove();
  rmSync(state, { recursive: true, force: true });
});

const routesFile = () => join(copy, "server", "routes", "world.ts");
const original = () => readFileSync(join(PROJECT_ROOT, "server", "routes", "world.ts"), "utf8");
/** The handler of `world.ping` (the only one of its kind in world.ts). */
const PING = ".handle((_input, ctx) => ({ at: ctx.services.now() })),";

/** world.ts with `world.ping` answering `answer` (a TypeScript expression) instead of the clock. */
function writePingAnswering(answer: string): void {
  expect(original()).toContain(PING);
  writeFileSync(routesFile(), original().replace(PING, `.handle(() => ({ at: ${answer} })),`));
}

async function pingAnswer(): Promise<unknown> {
  const ack = await requestRaw(socket as Socket, "world.ping", {});
  return ack.status === "ok" ? (ack.data as { at: unknown }).at : ack;
}

/** Waits until the server's log says `pattern` `times` times in all. */
async function logSays(pattern: RegExp, times: number): Promise<void> {
  const count = () => [...(server?.output() ?? "").matchAll(new RegExp(pattern, "g"))].length;
  try {
    await expect.poll(count, { timeout: 60_000, interval: 200 }).toBeGreaterThanOrEqual(times);
  } catch {
    throw new Error(`The log never said ${pattern} ${times} times. Its end:\n${server?.output().slice(-3_000)}`);
  }
}

describe("the development server, when server/ is edited", () => {
  it("runs the edited route on the same socket, and keeps the session", async () => {
    const url = (server as ServerProcess).url;
    const grant = await requestToken(url);
    const connected = await connect(url, { token: grant.token, transports: ["websocket"] });
    socket = connected.socket;
    expect(typeof (await pingAnswer())).toBe("number");

    writePingAnswering("4242");
    await expect.poll(pingAnswer, { timeout: 60_000, interval: 250 }).toBe(4242);
    expect(socket.connected).toBe(true);
    expect(socket.id).toBe(connected.socket.id);
    // The same cookie still names the same person: the session did not end.
    const again = await connect(url, { token: (await requestToken(url, grant.cookie)).token });
    expect(again.welcome.user).toEqual(connected.welcome.user);
    again.socket.close();
  }, 120_000);

  it("shows a type error and keeps serving the last good version", async () => {
    writePingAnswering(`"not a number" as number satisfies string`);
    await logSays(/type error\(s\); the last good version keeps serving/, 1);
    expect(server?.output()).toMatch(/server\/routes\/world\.ts\(\d+,\d+\): error TS\d+/);
    expect(await pingAnswer()).toBe(4242);
  }, 90_000);

  it("shows a syntax error and keeps serving the last good version", async () => {
    writePingAnswering("4343 }");
    await logSays(/type error\(s\); the last good version keeps serving/, 2);
    expect(await pingAnswer()).toBe(4242);
  }, 90_000);

  it("keeps serving when the edited code throws as it loads, and takes the next good edit", async () => {
    const appFile = join(copy, "server", "app.ts");
    const app = readFileSync(appFile, "utf8");
    writePingAnswering("4242");
    // Type-checks, but defineWhiskApp throws at load: a group listed twice.
    expect(app).toContain("routes: [worldRoutes");
    writeFileSync(appFile, app.replace("routes: [worldRoutes", "routes: [worldRoutes, worldRoutes"));
    await logSays(/server code not reloaded; the last good version keeps serving/, 1);
    expect(server?.output()).toMatch(/listed twice/);
    expect(await pingAnswer()).toBe(4242);

    writeFileSync(appFile, app);
    writePingAnswering("4444");
    await expect.poll(pingAnswer, { timeout: 60_000, interval: 250 }).toBe(4444);
    expect(socket?.connected).toBe(true);
  }, 120_000);
});
