/**
 * Limits that need a gateway with small settings: rooms per socket, session revalidation, and a
 * slow reader. Real HTTP servers and real socket.io or raw engine.io clients, in this process.
 */
import { createServer } from "node:http";
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createMemoryBackend, createWhisk, type GatewayLimits, type Whisk } from "whisk/host";
import { createBuilders, defineObservers, defineRoutes, defineWhiskApp, toUser } from "whisk/server";
import { MemoryTokenStore, type TokenStore } from "whisk/session";
import { freePort, typedClient } from "whisk/testing";
import { z } from "zod";
import { type Connected, connect } from "./clients";

const { route, observe } = createBuilders<object>();
const lab = defineRoutes("lab", {
  join: route.input(z.object({ room: z.string() })).handle(async ({ room }, ctx) => ctx.socket.join(room)),
  heavy: route
    .input(z.object({}))
    .cost(5)
    .handle(() => "done"),
});
const news = defineObservers("news", { flash: observe(z.object({ n: z.number() })).handle((flash) => flash) });
const testApp = defineWhiskApp({ routes: [lab], observers: [news], workers: [] });
/** Typed by this file's app: `lab.*` routes, `news.*` events and Whisk's own. */
const { request, nextEvent } = typedClient<typeof testApp>();

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function gateway(limits: Partial<GatewayLimits>, stores: { tokens?: TokenStore } = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const memory = createMemoryBackend(pino({ level: "silent" }));
  const whisk: Whisk<object> = createWhisk({
    app: testApp,
    services: {},
    nodeId: "limits",
    backend: { ...memory, tokens: stores.tokens ?? memory.tokens },
    allowedOrigins: [url],
  });
  const server = createServer();
  const { io } = whisk.attachGateway(server, { limits });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  cleanups.push(async () => {
    await whisk.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const signIn = async (userId: string, sessionTtlMs = 60_000): Promise<Connected & { sessionId: string }> => {
    const session = await whisk.sessions.create({ userId, userName: userId }, sessionTtlMs);
    const { token } = await whisk.issueToken({ sessionId: session.id, userId });
    const connected = await connect(url, { token });
    cleanups.push(() => connected.socket.close());
    return { ...connected, sessionId: session.id };
  };
  /** Sockets of `userId` this gateway still holds, read on the server side. */
  const socketsOf = (userId: string) => io.of("/").adapter.rooms.get(`user:${userId}`)?.size ?? 0;
  return { whisk, url, signIn, socketsOf };
}

/**
 * A memory token store that answers consumes together, in one callback, once `batch` are waiting
 * (or after 200 ms): as Redis does when several replies arrive in one read. The handshakes then
 * go on from their awaits side by side, before any of them has joined its rooms.
 */
function batchedTokens(batch: number): TokenStore {
  const store = new MemoryTokenStore();
  let waiting: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    for (const resume of waiting.splice(0)) resume();
  };
  return {
    issue: (binding, ttlMs) => store.issue(binding, ttlMs),
    consume: async (token) => {
      const binding = await store.consume(token);
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length >= batch) flush();
        else timer ??= setTimeout(flush, 200);
      });
      return binding;
    },
    close: async () => {
      flush();
      waiting = [];
      await store.close();
    },
  };
}

describe("gateway limits", () => {
  it("holds the per-user socket cap against 12 concurrent handshakes, and gives a slot back when a socket leaves", async () => {
    const { whisk, url, socketsOf } = await gateway({ maxConnectionsPerUser: 3 }, { tokens: batchedTokens(12) });
    const session = await whisk.sessions.create({ userId: "many", userName: "many" }, 60_000);
    const token = async () => (await whisk.issueToken({ sessionId: session.id, userId: "many" })).token;
    const tokens = await Promise.all(Array.from({ length: 12 }, token));
    const results = await Promise.allSettled(tokens.map((each) => connect(url, { token: each, transports: ["websocket"] })));
    const accepted = results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    for (const each of accepted) cleanups.push(() => each.socket.close());
    const codes = results.flatMap((result) =>
      result.status === "rejected" ? [(result.reason as { data?: { code: string } }).data?.code] : [],
    );
    console.log(`per-user cap 3: 12 concurrent handshakes -> ${accepted.length} accepted, ${codes.length} LIMIT_REACHED`);
    expect(accepted).toHaveLength(3);
    expect(codes).toEqual(Array(9).fill("LIMIT_REACHED"));
    expect(socketsOf("many")).toBe(3);
    // One leaves: its slot is free again, and only one.
    accepted[0]?.socket.close();
    await vi.waitFor(() => expect(socketsOf("many")).toBe(2));
    const again = await connect(url, { token: await token() });
    cleanups.push(() => again.socket.close());
    expect(socketsOf("many")).toBe(3);
    const refused = await connect(url, { token: await token() }).catch((error: { data?: { code: string } }) => error.data?.code);
    expect(refused).toBe("LIMIT_REACHED");
  });

  it("refuses a room past the per-socket cap with LIMIT_REACHED, and keeps the socket", async () => {
    const { signIn } = await gateway({ maxRoomsPerSocket: 3 });
    const client = await signIn("u1");
    for (const room of ["a", "b", "c", "a"]) expect(await request(client.socket, "lab.join", { room })).toMatchObject({ status: "ok" });
    expect(await request(client.socket, "lab.join", { room: "d" })).toMatchObject({ status: "error", error: { code: "LIMIT_REACHED" } });
    expect(client.socket.connected).toBe(true);
  });

  it("disconnects the sockets of a session that ended without a sign-out message, at the next revalidation", async () => {
    const { whisk, signIn } = await gateway({ revalidateEveryMs: 300 });
    const ended = await signIn("gone");
    const kept = await signIn("kept");
    const dropped = nextEvent(ended.socket, "disconnect", 5_000);
    // Deleted in the store only: no bus message, as if it expired or the message was lost.
    await whisk.sessions.delete(ended.sessionId);
    expect(await dropped).toBe("io server disconnect");
    expect(kept.socket.connected).toBe(true);
  });

  it("closes a socket within a second of its session expiring, and nobody else's", async () => {
    const { signIn } = await gateway({});
    const expiring = await signIn("short", 1_000);
    const kept = await signIn("long");
    const startedAt = Date.now();
    expect(await nextEvent(expiring.socket, "disconnect", 5_000)).toBe("io server disconnect");
    const after = Date.now() - startedAt;
    console.log(`session expiry: socket closed ${after} ms after connecting with a 1,000 ms session`);
    expect(after).toBeLessThan(2_000);
    expect(kept.socket.connected).toBe(true);
  });

  it("cuts a slow reader whose outbound buffer passes the cap at the transport (so it reconnects), and nobody else", async () => {
    const { whisk, url, signIn, socketsOf } = await gateway({ maxBufferedPackets: 20 });
    const reader = await signIn("fast");
    // A raw polling client that completes the handshake, then never polls again: a stalled reader.
    const session = await whisk.sessions.create({ userId: "slow", userName: "slow" }, 60_000);
    const { token } = await whisk.issueToken({ sessionId: session.id, userId: "slow" });
    const handshake = await (await fetch(`${url}/whisk/?EIO=4&transport=polling`, { headers: { origin: url } })).text();
    const sid = (JSON.parse(handshake.slice(1)) as { sid: string }).sid;
    const poll = `${url}/whisk/?EIO=4&transport=polling&sid=${sid}`;
    await fetch(poll, { method: "POST", headers: { origin: url }, body: `40${JSON.stringify({ token })}` });
    await vi.waitFor(() => expect(socketsOf("slow")).toBe(1));
    const fastGot: number[] = [];
    reader.socket.on("news.flash", (flash: { n: number }) => fastGot.push(flash.n));
    for (let n = 0; n < 60; n++) await whisk.bus.to(toUser("slow"), toUser("fast")).publish(news.topics.flash, { n });
    await vi.waitFor(() => expect(socketsOf("slow")).toBe(0), { timeout: 5_000, interval: 100 });
    // Cut at the transport, its buffer dropped: when the reader polls again, its session is gone
    // (a client reconnects). A socket.io disconnect would instead still hold the buffer, ending
    // in a disconnect packet ("41") the client would take for a sign-out, never to come back.
    const late = await fetch(poll, { headers: { origin: url } });
    expect(late.status).toBe(400);
    expect(await late.json()).toMatchObject({ message: "Session ID unknown" });
    await vi.waitFor(() => expect(fastGot).toHaveLength(60));
    expect(reader.socket.connected).toBe(true);
  });

  it("takes a costly route's cost from the socket's budget, and refuses a cost no burst could ever pay", async () => {
    const { signIn } = await gateway({ eventBurst: 10, eventsPerSecond: 1 });
    const client = await signIn("heavy");
    const answers = await Promise.all(Array.from({ length: 3 }, () => request(client.socket, "lab.heavy", {})));
    expect(answers.map((answer) => answer.status)).toEqual(["ok", "ok", "error"]);
    await expect(gateway({ eventBurst: 4 })).rejects.toThrow(/lab.heavy" costs 5 events, more than the gateway's eventBurst \(4\)/);
  });
});
