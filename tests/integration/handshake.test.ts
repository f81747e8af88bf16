import { connect as tcpConnect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TokenGrant, Welcome } from "whisk/core";
import { type ServerProcess, startServerProcess } from "whisk/testing";
import { connect, refusal, requestToken } from "./clients";

const TOKEN_TTL_MS = 1_000;
/** How long a socket is connected before its first resume token (10 s by default). */
const RESUME_AFTER_MS = 500;
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({
    env: { WHISK_NODE_ID: "it-handshake", WHISK_TOKEN_TTL_MS: String(TOKEN_TTL_MS), WHISK_RESUME_TOKEN_AFTER_MS: String(RESUME_AFTER_MS) },
  });
});
afterAll(async () => {
  // Without a build the server never started: the first error (run `npm run build` first) is the one to read.
  if (server) expect(await server.stop()).toBe(0);
});

describe("the handshake of the real server process", () => {
  it("accepts a fresh token and welcomes the socket with its node and user", async () => {
    const { token } = await requestToken(server.url);
    const { socket, welcome } = await connect(server.url, { token });
    expect(welcome.nodeId).toBe("it-handshake");
    expect(welcome.socketId).toBe(socket.id);
    expect(welcome.user.name).toMatch(/^\d{4}$/);
    socket.close();
  });

  it("refuses a handshake without a token with TOKEN_MISSING", async () => {
    expect((await refusal(server.url, {})).data?.code).toBe("TOKEN_MISSING");
  });

  it("refuses a token of the wrong type or shape with TOKEN_INVALID", async () => {
    expect((await refusal(server.url, { token: { $gt: "" } })).data?.code).toBe("TOKEN_INVALID");
    expect((await refusal(server.url, { token: "x".repeat(43) })).data?.code).toBe("TOKEN_INVALID");
  });

  it("refuses a replayed token with TOKEN_INVALID: a token works once", async () => {
    const { token } = await requestToken(server.url);
    const first = await connect(server.url, { token });
    expect((await refusal(server.url, { token })).data?.code).toBe("TOKEN_INVALID");
    expect(first.socket.connected).toBe(true);
    first.socket.close();
  });

  it("hands each socket a resume token once it has been connected a while: it reconnects the same user once, and is refused after", async () => {
    const { token } = await requestToken(server.url);
    const socket = io(server.url, { path: "/whisk", auth: { token }, extraHeaders: { origin: server.url }, transports: ["websocket"] });
    const [welcome, resume] = await Promise.all([
      new Promise<Welcome & { at: number }>((resolve) =>
        socket.once("whisk.welcome", (welcome) => resolve({ ...welcome, at: Date.now() })),
      ),
      new Promise<TokenGrant & { at: number }>((resolve) => socket.once("whisk.resume", (grant) => resolve({ ...grant, at: Date.now() }))),
    ]);
    socket.close();
    // Not during the handshake: WHISK_RESUME_TOKEN_AFTER_MS after it, at the gateway's next sweep.
    expect(resume.at - welcome.at).toBeGreaterThanOrEqual(RESUME_AFTER_MS / 2);
    expect(resume.expiresAt - Date.now()).toBeGreaterThan(4 * 60_000);
    // Not the token route's token: a resume token lives minutes (5), not WHISK_TOKEN_TTL_MS (1 s here).
    await sleep(TOKEN_TTL_MS + 200);
    const again = await connect(server.url, { token: resume.token });
    expect(again.welcome.user).toEqual(welcome.user);
    again.socket.close();
    expect((await refusal(server.url, { token: resume.token })).data?.code).toBe("TOKEN_INVALID");
  });

  it("refuses an expired token with TOKEN_INVALID", async () => {
    const { token } = await requestToken(server.url);
    await sleep(TOKEN_TTL_MS + 200);
    expect((await refusal(server.url, { token })).data?.code).toBe("TOKEN_INVALID");
  });

  it("refuses a foreign Origin over polling with HTTP 403, without spending the token", async () => {
    const { token } = await requestToken(server.url);
    const refused = await refusal(server.url, { token, origin: "http://evil.example" });
    expect(refused.description).toBe(403);
    const { socket } = await connect(server.url, { token });
    expect(socket.connected).toBe(true);
    socket.close();
  });

  it("refuses foreign, look-alike and null origins over websocket too", async () => {
    const allowed = await connect(server.url, { token: (await requestToken(server.url)).token, transports: ["websocket"] });
    expect(allowed.welcome.nodeId).toBe("it-handshake");
    allowed.socket.close();
    const wrongPort = server.url.replace(/:(\d+)$/, (_match, port) => `:${Number(port) + 1}`);
    for (const origin of ["http://evil.example", `${server.url}.evil.example`, "null", server.url.replace("http:", "https:"), wrongPort]) {
      const { token } = await requestToken(server.url);
      const refused = await refusal(server.url, { token, origin, transports: ["websocket"] });
      expect(refused.message, origin).toBe("websocket error");
    }
  });

  it("gives two tokens of one session the same user on two sockets", async () => {
    const first = await requestToken(server.url);
    const second = await requestToken(server.url, first.cookie);
    const a = await connect(server.url, { token: first.token });
    const b = await connect(server.url, { token: second.token });
    expect(b.welcome.user).toEqual(a.welcome.user);
    a.socket.close();
    b.socket.close();
  });

  it("refuses the token route to a foreign origin", async () => {
    const response = await fetch(`${server.url}/api/ws-token`, { method: "POST", headers: { origin: "http://evil.example" } });
    expect(response.status).toBe(403);
  });

  it("closes at once an upgrade outside /whisk/ (after pages were served), and goes on serving sockets", async () => {
    // A page first: Next.js would hook upgrades on the server of its first request if let.
    expect((await fetch(server.url)).status).toBe(200);
    const { port } = new URL(server.url);
    const started = Date.now();
    const raw = tcpConnect(Number(port), "127.0.0.1");
    raw.write(
      "GET /not-whisk HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    );
    let answer = "";
    raw.on("data", (chunk) => {
      answer += chunk;
    });
    await new Promise((resolve) => raw.once("close", resolve));
    expect(answer).toBe("");
    expect(Date.now() - started).toBeLessThan(2_000);
    const { socket } = await connect(server.url, { token: (await requestToken(server.url)).token });
    expect(socket.connected).toBe(true);
    socket.close();
  });

  it("never writes a token into its logs", async () => {
    const { token } = await requestToken(server.url);
    await refusal(server.url, { token, origin: "http://evil.example" });
    const { socket } = await connect(server.url, { token });
    socket.close();
    expect(server.output()).not.toContain(token);
  });
});
