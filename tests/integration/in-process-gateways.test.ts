/**
 * Gateways built with `createWhisk` inside the test process, over real HTTP servers and real
 * socket.io clients: for what the demo app cannot show (a throwing handler, hooks) and for
 * several nodes sharing one memory bus.
 */
import { createServer, type Server } from "node:http";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { PresenceUpdate } from "whisk/core";
import { type Backend, createMemoryBackend, createWhisk, type Whisk } from "whisk/host";
import { MemoryPresenceStore, type PresenceEntry, type PresenceStore } from "whisk/presence";
import {
  type AuthFailure,
  type ConnectionInfo,
  createBuilders,
  defineObservers,
  defineRoutes,
  defineWhiskApp,
  toNode,
  toRoom,
  toUser,
} from "whisk/server";
import { freePort, typedClient } from "whisk/testing";
import { z } from "zod";
import { at, type Connected, connect, refusal } from "./clients";

interface TestContext {
  greeting: string;
}
const { route, observe } = createBuilders<TestContext>();
const news = defineObservers("news", {
  flash: observe(z.object({ text: z.string() })).handle((flash, ctx) => ({
    text: `${ctx.services.greeting} ${flash.text}`,
    node: ctx.node.id,
  })),
});
const lab = defineRoutes("lab", {
  boom: route.input(z.object({})).handle(() => {
    throw new Error("secret internal detail");
  }),
  unserialisable: route.input(z.object({})).handle(() => ({ count: 1n })),
  greet: route.input(z.object({})).handle((_input, ctx) => ({ greeting: ctx.services.greeting, user: ctx.user.id })),
  join: route.input(z.object({ room: z.string() })).handle(async ({ room }, ctx) => {
    await ctx.socket.join(room);
    return { joined: room };
  }),
  move: route.input(z.object({ room: z.string() })).handle(async ({ room }, ctx) => {
    await ctx.socket.moveTo(room);
    return { rooms: ctx.socket.rooms() };
  }),
  rooms: route.input(z.object({})).handle((_input, ctx) => ({ rooms: ctx.socket.rooms() })),
});
const testApp = defineWhiskApp({ routes: [lab], observers: [news], workers: [] });
/** Typed by this file's app: `lab.*` routes, `news.*` events and Whisk's own. */
const { request, nextEvent } = typedClient<typeof testApp>();

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Nodes sharing one bus, token store and session store, as Redis would make them share. */
async function startCluster(nodeIds: string[], options: { presence?: PresenceStore } = {}) {
  const shared = createMemoryBackend(pino({ level: "silent" }));
  const backend: Backend = { ...shared, presence: options.presence ?? shared.presence };
  const { tokens, sessions } = backend;
  const logLines: string[] = [];
  const events = { connects: [] as ConnectionInfo[], disconnects: [] as string[], failures: [] as AuthFailure[] };
  const nodes: { whisk: Whisk<TestContext>; url: string; server: Server }[] = [];
  for (const nodeId of nodeIds) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const logger = pino({ level: "info" }, { write: (line: string) => logLines.push(line) });
    const whisk = createWhisk<TestContext>({
      app: testApp,
      services: { greeting: "hello from the app context" },
      nodeId,
      logger,
      backend,
      allowedOrigins: [url],
      hooks: {
        onConnect: (connection) => void events.connects.push(connection),
        onDisconnect: (_connection, reason) => void events.disconnects.push(reason),
        onAuthFailure: (failure) => void events.failures.push(failure),
      },
    });
    const server = createServer();
    whisk.attachGateway(server);
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    nodes.push({ whisk, url, server });
    cleanups.push(async () => {
      await whisk.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
  }
  const signIn = async (node: (typeof nodes)[number], userId: string): Promise<Connected> => {
    const session = await sessions.create({ userId, userName: userId }, 60_000);
    const { token } = await node.whisk.issueToken({ sessionId: session.id, userId });
    const connected = await connect(node.url, { token });
    cleanups.push(async () => connected.socket.close());
    return connected;
  };
  return { nodes, signIn, sessions, tokens, events, logLines };
}

describe("a gateway made with createWhisk", () => {
  it("answers a throwing handler with INTERNAL and no internal text, logs the cause, and keeps the socket", async () => {
    const { nodes, signIn, logLines } = await startCluster(["solo"]);
    const client = await signIn(at(nodes, 0), "u1");
    const ack = await request(client.socket, "lab.boom", {});
    expect(ack).toEqual({ status: "error", error: { code: "INTERNAL", message: "Something went wrong on the server." } });
    expect(JSON.stringify(ack)).not.toContain("secret internal detail");
    expect(logLines.some((line) => line.includes("route handler threw") && line.includes("secret internal detail"))).toBe(true);
    expect(client.socket.connected).toBe(true);
    // A reply socket.io cannot serialise is that client's INTERNAL error, not a process crash.
    expect(await request(client.socket, "lab.unserialisable", {})).toMatchObject({
      status: "error",
      error: { code: "INTERNAL" },
    });
    expect(await request(client.socket, "lab.greet", {})).toEqual({
      status: "ok",
      data: { greeting: "hello from the app context", user: "u1" },
    });
  });

  it("runs onConnect after the token is accepted, onDisconnect with the reason, onAuthFailure on refusals", async () => {
    const { nodes, signIn, events } = await startCluster(["solo"]);
    const client = await signIn(at(nodes, 0), "u1");
    expect(events.connects).toEqual([{ socketId: client.socket.id, sessionId: expect.any(String), user: { id: "u1", name: "u1" } }]);
    client.socket.close();
    await expect.poll(() => events.disconnects).toEqual(["client namespace disconnect"]);
    await refusal(at(nodes, 0).url, {});
    await refusal(at(nodes, 0).url, { token: "nope", origin: "http://evil.example" });
    await expect.poll(() => events.failures.map((failure) => failure.error.code)).toEqual(["TOKEN_MISSING", "ORIGIN_NOT_ALLOWED"]);
  });

  it("ending a session disconnects its sockets on every node, and nobody else's", async () => {
    const { nodes, signIn, sessions, tokens } = await startCluster(["ws-1", "ws-2"]);
    const sessionA = await sessions.create({ userId: "a", userName: "a" }, 60_000);
    const tabs = await Promise.all(
      nodes.map(async (node) => connect(node.url, { token: (await tokens.issue({ sessionId: sessionA.id, userId: "a" }, 5_000)).token })),
    );
    const other = await signIn(at(nodes, 1), "b");
    const dropped = tabs.map((tab) => nextEvent(tab.socket, "disconnect"));
    await at(nodes, 0).whisk.endSession(sessionA.id);
    expect(await Promise.all(dropped)).toEqual(["io server disconnect", "io server disconnect"]);
    expect(other.socket.connected).toBe(true);
    const { token } = await tokens.issue({ sessionId: sessionA.id, userId: "a" }, 5_000);
    expect((await refusal(at(nodes, 0).url, { token })).data?.code).toBe("UNAUTHORIZED");
  });

  it("delivers a bus message to a user on every node, to a room, and to one node only", async () => {
    const { nodes, signIn } = await startCluster(["ws-1", "ws-2"]);
    const [n1, n2] = [at(nodes, 0), at(nodes, 1)];
    const aliceOn1 = await signIn(n1, "alice");
    const aliceOn2 = await signIn(n2, "alice");
    const bobOn2 = await signIn(n2, "bob");
    const seen: string[] = [];
    for (const [name, client] of [
      ["alice@1", aliceOn1],
      ["alice@2", aliceOn2],
      ["bob@2", bobOn2],
    ] as const) {
      client.socket.on("news.flash", (flash: { text: string }) => seen.push(`${name}:${flash.text}`));
    }

    await n1.whisk.bus.to(toUser("alice")).publish(news.topics.flash, { text: "for alice" });
    await expect
      .poll(() => seen.sort())
      .toEqual(["alice@1:hello from the app context for alice", "alice@2:hello from the app context for alice"]);

    seen.length = 0;
    await request(bobOn2.socket, "lab.join", { room: "beach" });
    await request(aliceOn1.socket, "lab.join", { room: "beach" });
    await n2.whisk.bus
      .to(toRoom("beach"))
      .except(aliceOn1.socket.id ?? "")
      .publish(news.topics.flash, { text: "beach" });
    await expect.poll(() => seen).toEqual(["bob@2:hello from the app context beach"]);

    seen.length = 0;
    const flashOn2 = nextEvent(aliceOn2.socket, "news.flash");
    await n1.whisk.bus.to(toNode("ws-2")).publish(news.topics.flash, { text: "node" });
    expect((await flashOn2).node).toBe("ws-2");
    await expect.poll(() => seen.sort()).toEqual(["alice@2:hello from the app context node", "bob@2:hello from the app context node"]);
  });

  it("sends a joiner the room's people, and the room only the users who changed", async () => {
    const { nodes, signIn } = await startCluster(["solo"]);
    const [alice, bob] = [await signIn(at(nodes, 0), "alice"), await signIn(at(nodes, 0), "bob")];
    const aliceSees: PresenceUpdate[] = [];
    alice.socket.on("whisk.presence", (update: PresenceUpdate) => aliceSees.push(update));
    await request(alice.socket, "lab.join", { room: "beach" });
    // Her snapshot at once, then the room's (coalesced) news of her own arrival.
    await expect
      .poll(() => aliceSees)
      .toEqual([
        { room: "beach", kind: "snapshot", users: [user("alice", 1)] },
        { room: "beach", kind: "diff", users: [user("alice", 1)] },
      ]);

    aliceSees.length = 0;
    const bobsSnapshot = nextEvent(bob.socket, "whisk.presence");
    await request(bob.socket, "lab.join", { room: "beach" });
    expect(await bobsSnapshot).toEqual({ room: "beach", kind: "snapshot", users: [user("alice", 1), user("bob", 1)] });
    await expect.poll(() => aliceSees).toEqual([{ room: "beach", kind: "diff", users: [user("bob", 1)] }]);

    aliceSees.length = 0;
    bob.socket.close();
    await expect.poll(() => aliceSees).toEqual([{ room: "beach", kind: "diff", users: [user("bob", 0)] }]);
  });

  it("runs one socket's room changes one at a time: two quick moves leave it in the last room only", async () => {
    const { nodes, signIn } = await startCluster(["solo"]);
    const client = await signIn(at(nodes, 0), "alice");
    const moves = ["beach", "orbit", "park"].map((room) => request(client.socket, "lab.move", { room }));
    await Promise.all(moves);
    expect(await request(client.socket, "lab.rooms", {})).toEqual({ status: "ok", data: { rooms: ["park"] } });
  });

  it("does not keep a socket present that closed while its join was still being recorded", async () => {
    const store = new MemoryPresenceStore();
    const slowStore: PresenceStore = {
      add: async (room: string, entry: PresenceEntry, ttlMs: number) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        await store.add(room, entry, ttlMs);
      },
      renew: (room, entries, ttlMs) => store.renew(room, entries, ttlMs),
      remove: (room, socketId) => store.remove(room, socketId),
      list: (room) => store.list(room),
      sweep: () => store.sweep(),
    };
    const { nodes, signIn } = await startCluster(["solo"], { presence: slowStore });
    const client = await signIn(at(nodes, 0), "alice");
    client.socket.emit("lab.join", { room: "beach" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.socket.close();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await store.list("beach")).toEqual([]);
  });
});

const user = (id: string, tabs: number) => ({ userId: id, userName: id, tabs });
