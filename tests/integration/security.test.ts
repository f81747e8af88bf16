/**
 * Attacks on the real server process (production build, embedded mode), each ending in a figure
 * printed to the test output.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Ack } from "whisk/core";
import { percentile, type ServerProcess, startServerProcess } from "whisk/testing";
import WebSocket from "ws";
import { type Connected, connect, nextEvent, refusal, request, requestToken } from "./clients";

let server: ServerProcess;
const open: Connected[] = [];

beforeAll(async () => {
  // DEBUG=* on purpose: no namespace may print a token or a message.
  // Every client here is 127.0.0.1, so the per-address budgets (20 handshakes and 10 POSTs a
  // second) would refuse this file's hundred-odd quick handshakes by timing, not by what each
  // test is about: they are off here and tested in attack-handshakes.test.ts.
  server = await startServerProcess({
    env: { WHISK_NODE_ID: "it-security", DEBUG: "*", WHISK_HANDSHAKES_PER_ADDRESS: "0", WHISK_POSTS_PER_ADDRESS: "0" },
  });
});
afterAll(async () => {
  for (const client of open) client.socket.close();
  await server?.stop();
});

async function client(cookie?: string): Promise<Connected & { cookie: string }> {
  const grant = await requestToken(server.url, cookie);
  const connected = await connect(server.url, { token: grant.token });
  open.push(connected);
  return { ...connected, cookie: grant.cookie };
}

async function roundTrip(socket: Connected["socket"]): Promise<number> {
  const started = performance.now();
  await request(socket, "world.say", { message: "canary" });
  return performance.now() - started;
}

describe("security of the real server process", () => {
  it("lets exactly one of 100 concurrent handshakes with the same token in", async () => {
    const { token } = await requestToken(server.url);
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => connect(server.url, { token, transports: ["websocket"] })));
    const winners = results.filter((result) => result.status === "fulfilled");
    for (const winner of winners) open.push(winner.value);
    const codes = results.flatMap((result) =>
      result.status === "rejected" ? [(result.reason as { data?: { code: string } }).data?.code] : [],
    );
    console.log(
      `token race: 100 concurrent uses -> ${winners.length} accepted, ${codes.length} refused (${[...new Set(codes)].join(", ")})`,
    );
    expect(winners).toHaveLength(1);
    expect(new Set(codes)).toEqual(new Set(["TOKEN_INVALID"]));
  });

  it("refuses server actions posted from a foreign or a null origin", async () => {
    const manifest = JSON.parse(readFileSync(join(process.cwd(), ".next/server/server-reference-manifest.json"), "utf8")) as {
      node: Record<string, { exportedName?: string }>;
    };
    const actionId = Object.entries(manifest.node).find(([, action]) => action.exportedName === "getWsToken")?.[0] ?? "";
    const post = (origin: string) =>
      fetch(`${server.url}/hello`, {
        method: "POST",
        headers: { "next-action": actionId, origin, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
        body: "[]",
      });
    const same = await post(server.url);
    expect(same.status).toBe(200);
    for (const origin of ["http://evil.example", "null", `${server.url}.evil.example`]) {
      const response = await post(origin);
      expect(response.status, origin).not.toBe(200);
      expect(response.headers.get("set-cookie"), origin).toBeNull();
      expect(await response.text()).not.toMatch(/"token"/);
    }
  });

  it("answers /api/session without a session with 401, and refuses a foreign-origin sign-out with 403", async () => {
    expect((await fetch(`${server.url}/api/session`)).status).toBe(401);
    const { cookie } = await requestToken(server.url);
    const foreign = await fetch(`${server.url}/api/session`, { method: "DELETE", headers: { cookie, origin: "http://evil.example" } });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe("ORIGIN_NOT_ALLOWED");
    // The session survived the refused sign-out.
    expect((await fetch(`${server.url}/api/session`, { headers: { cookie } })).status).toBe(200);
  });

  it("names nobody for a tampered or forged session cookie, a thousand times over, and still knows the real one", async () => {
    const { cookie } = await requestToken(server.url);
    const [name, seal = ""] = cookie.split("=");
    const session = (value: string) => fetch(`${server.url}/api/session`, { headers: { cookie: `${name}=${value}` } });
    expect((await session(seal)).status).toBe(200);
    // The server has just unsealed (and keeps) the real one: one character changed is refused.
    const flipped = `${seal.slice(0, 40)}${seal[40] === "A" ? "B" : "A"}${seal.slice(41)}`;
    expect((await session(flipped)).status).toBe(401);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1_000; i++) {
      const status = (await session(`Fe26.2*1*${i}*forged*${"x".repeat(200)}~2`)).status;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    console.log(
      `session cookies: 1 tampered and 1,000 forged -> ${JSON.stringify(Object.fromEntries(statuses))}; the real one still known`,
    );
    expect(Object.fromEntries(statuses)).toEqual({ 401: 1_000 });
    expect((await session(seal)).status).toBe(200);
  });

  it("gives a session made for a cookieless token request 2 minutes, and the full TTL once a socket connects with it", async () => {
    const grant = await requestToken(server.url);
    const minutesLeft = async () => {
      const body = (await (await fetch(`${server.url}/api/session`, { headers: { cookie: grant.cookie } })).json()) as {
        expiresAt: number;
      };
      return (body.expiresAt - Date.now()) / 60_000;
    };
    const guest = await minutesLeft();
    // Another token request with the cookie is no use: only a connected socket makes it last.
    await requestToken(server.url, grant.cookie);
    expect(await minutesLeft()).toBeLessThanOrEqual(2);
    const connected = await connect(server.url, { token: grant.token });
    open.push(connected);
    const used = await minutesLeft();
    console.log(`guest session: ${guest.toFixed(1)} min left before any socket, ${(used / 60 / 24).toFixed(1)} days once one connected`);
    expect(guest).toBeGreaterThan(1.9);
    expect(guest).toBeLessThanOrEqual(2);
    expect(used).toBeGreaterThan(24 * 60);
  });

  it("sets the session cookie HttpOnly, SameSite=Lax and Secure in production", async () => {
    const response = await fetch(`${server.url}/api/ws-token`, { method: "POST", headers: { origin: server.url } });
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^whisk_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=lax/i);
    expect(cookie).toMatch(/Secure/);
  });

  it("refuses a user's connection past the per-user cap with LIMIT_REACHED, and serves others", async () => {
    const first = await client();
    for (let i = 1; i < 10; i++) await client(first.cookie);
    const { token } = await requestToken(server.url, first.cookie);
    expect((await refusal(server.url, { token })).data?.code).toBe("LIMIT_REACHED");
    const other = await client();
    expect(other.socket.connected).toBe(true);
  });

  it("tells a flooding socket RATE_LIMITED, then why it is disconnected (so it may come back), while another keeps its latency", async () => {
    const canary = await client();
    const before: number[] = [];
    for (let i = 0; i < 20; i++) before.push(await roundTrip(canary.socket));
    const flooder = await client();
    const codes: string[] = [];
    const dropped = nextEvent(flooder.socket, "disconnect", 10_000);
    const told = nextEvent(flooder.socket, "whisk.disconnect", 10_000);
    for (let i = 0; i < 500; i++) {
      flooder.socket.emit("world.say", { message: `flood ${i}` }, (ack: Ack<unknown>) => {
        if (ack.status === "error") codes.push(ack.error.code);
      });
    }
    const during: number[] = [];
    for (let i = 0; i < 20; i++) during.push(await roundTrip(canary.socket));
    expect(await dropped).toBe("io server disconnect");
    // The notice comes before the disconnect; without it a client would read a sign-out.
    expect(await told).toMatchObject({ code: "RATE_LIMITED" });
    console.log(
      `flood: 500 events from one socket -> ${codes.filter((code) => code === "RATE_LIMITED").length} RATE_LIMITED acks then disconnected; ` +
        `canary p50 ${percentile(before, 50).toFixed(1)} ms before, ${percentile(during, 50).toFixed(1)} ms during (max ${Math.max(...during).toFixed(1)} ms)`,
    );
    expect(codes).toContain("RATE_LIMITED");
    expect(canary.socket.connected).toBe(true);
    expect(percentile(during, 50)).toBeLessThan(250);
  });

  it("closes an idle connection that never completes the handshake, within seconds", async () => {
    const raw = new WebSocket(`${server.url.replace("http", "ws")}/whisk/?EIO=4&transport=websocket`, { headers: { origin: server.url } });
    const openedAt = await new Promise<number>((resolve, reject) => {
      raw.once("open", () => resolve(Date.now()));
      raw.once("error", reject);
    });
    await new Promise((resolve) => raw.once("close", resolve));
    const idle = Date.now() - openedAt;
    console.log(`idle unauthenticated connection closed after ${idle} ms`);
    expect(idle).toBeLessThan(8_000);
  }, 15_000);

  it("survives a protocol fuzzer of 3,000 malformed packets with no crash, the canary still answering", async () => {
    const canary = await client();
    const junk = fuzzCases(3_000);
    const latencies: number[] = [];
    let sent = 0;
    let socketsOpened = 0;
    while (sent < junk.length) {
      const raw = new WebSocket(`${server.url.replace("http", "ws")}/whisk/?EIO=4&transport=websocket`, {
        headers: { origin: server.url },
      });
      socketsOpened += 1;
      await new Promise((resolve) => {
        raw.once("open", resolve);
        raw.once("error", resolve);
      });
      // Each connection gets a batch; the server may close it on the first bad frame.
      for (let i = 0; i < 100 && sent < junk.length && raw.readyState === WebSocket.OPEN; i++) raw.send(junk[sent++] as string | Buffer);
      raw.terminate();
      if (socketsOpened % 10 === 0) latencies.push(await roundTrip(canary.socket));
    }
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
    latencies.push(await roundTrip(canary.socket));
    console.log(
      `fuzzer: ${junk.length} malformed packets over ${socketsOpened} connections -> 0 crashes; canary p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
    );
    expect(percentile(latencies, 99)).toBeLessThan(500);
  }, 60_000);

  it("never writes a token or a message into its output, even with DEBUG=*", async () => {
    const { token } = await requestToken(server.url);
    const { socket } = await connect(server.url, { token });
    open.push({ socket, welcome: { nodeId: "", socketId: "", user: { id: "", name: "" } } });
    await request(socket, "world.say", { message: "a secret message text" });
    await vi.waitFor(() => expect(server.output().length).toBeGreaterThan(0));
    expect(server.output()).not.toContain(token);
    expect(server.output()).not.toContain("a secret message text");
  });
});

describe("configuration that fails fast", () => {
  it("stops at start, saying what to set, when SESSION_SECRET is under 32 characters", async () => {
    const weak = startServerProcess({ env: { SESSION_SECRET: "too-short" }, readyTimeoutMs: 15_000 });
    await expect(weak).rejects.toThrow(/exited with code 1[\s\S]*SESSION_SECRET is shorter than 32 characters/);
  });
});

/** Malformed engine.io/socket.io frames: wrong types, deep nesting, huge strings, unknown namespaces, binary. */
function fuzzCases(count: number): (string | Buffer)[] {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const shapes: (() => string | Buffer)[] = [
    () => `4${Math.floor(random() * 10)}${"[".repeat(Math.floor(random() * 2000))}`,
    () => `42${JSON.stringify([`room.${"x".repeat(Math.floor(random() * 50))}`, { text: "y".repeat(Math.floor(random() * 60_000)) }])}`,
    () => `42["world.say",${'{"a":'.repeat(300)}1${"}".repeat(300)}]`,
    () => `40/admin,${JSON.stringify({ token: "x" })}`,
    () => `4${String.fromCharCode(Math.floor(random() * 65_535))}${random()}`,
    () => Buffer.from(Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256))),
    () => `42[${Math.floor(random() * 1e9)},null,true]`,
    () => `421${JSON.stringify(["world.say", { message: random() }])}`,
    () => `43${Math.floor(random() * 100)}[]`,
    () => "2probe".repeat(Math.floor(random() * 100)),
  ];
  return Array.from({ length: count }, (_, i) => (shapes[i % shapes.length] as () => string | Buffer)());
}
