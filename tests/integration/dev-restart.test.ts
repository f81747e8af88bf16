/**
 * `npm run dev` restarted (after editing server code, say) signs nobody out: its sessions, and
 * the SESSION_SECRET it made up for their cookies, are kept in WHISK_DEV_STATE_DIR.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "whisk/testing";
import { connect, requestToken, signIn } from "./clients";

const state = mkdtempSync(join(tmpdir(), "whisk-dev-state-"));
// SESSION_SECRET empty: unset, as on a newcomer's machine.
const env = { WHISK_NODE_ID: "dev-restart", SESSION_SECRET: "", WHISK_DEV_STATE_DIR: state, LOG_LEVEL: "warn" };
let server: ServerProcess | undefined;

afterAll(async () => {
  await server?.stop();
  rmSync(state, { recursive: true, force: true });
});

describe("the development server, restarted", () => {
  it("keeps who is signed in: the same cookie gets a token for the same person", async () => {
    server = await startServerProcess({ mode: "development", env, readyTimeoutMs: 90_000 });
    const cookie = await signIn(server.url, "Restart Ann");
    const before = await connect(server.url, { token: (await requestToken(server.url, cookie)).token });
    before.socket.close();
    expect(await server.stop()).toBe(0);

    server = await startServerProcess({ mode: "development", env, readyTimeoutMs: 90_000 });
    const after = await connect(server.url, { token: (await requestToken(server.url, cookie)).token });
    expect(after.welcome.user).toEqual(before.welcome.user);
    expect(after.welcome.user.name).toBe("Restart Ann");
    after.socket.close();
  }, 180_000);
});
