import { Writable } from "node:stream";
import pino from "pino";
import type { Socket } from "socket.io";
import { describe, expect, it } from "vitest";
import type { Bus } from "../bus";
import { MemoryHistoryStore } from "../history/memory-history-store";
import { MemorySessionStore } from "../session";
import type { PresenceTracker } from "./presence-tracker";
import { SocketRouteContext } from "./route-context";

async function contextForOneSocket() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const sessions = new MemorySessionStore();
  const session = await sessions.create({ userId: "u1", userName: "Ada" }, 60_000);
  const socket = { id: "socket-1", connected: true } as unknown as Socket;
  const everyone = [{ userId: "u1", userName: "Ada", tabs: 1 }];
  const tracker = { usersIn: async (room: string) => (room === "beach" ? everyone : []) } as unknown as PresenceTracker;
  const ctx = new SocketRouteContext(
    socket,
    { sessionId: session.id, kind: session.kind, user: { id: "u1", name: "Ada" }, sessionExpiresAt: session.expiresAt },
    {
      services: { answer: 42 },
      bus: {} as Bus,
      sessions,
      history: new MemoryHistoryStore(),
      node: { id: "node-7" },
      log: pino({ base: undefined }, sink),
    },
    tracker,
    4,
  );
  return { ctx, lines, sessions, session };
}

describe("SocketRouteContext", () => {
  it("gives a route the app, node, user and a logger bound to the socket, made once", async () => {
    const { ctx, lines } = await contextForOneSocket();
    expect(ctx.services).toEqual({ answer: 42 });
    expect(ctx.node.id).toBe("node-7");
    expect(ctx.user).toEqual({ id: "u1", name: "Ada" });
    expect(ctx.socket.id).toBe("socket-1");
    expect(ctx.log).toBe(ctx.log);
    ctx.log.info("hello");
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toMatchObject([{ socket: "socket-1", msg: "hello" }]);
  });

  it("reads and updates the socket's own session in the store", async () => {
    const { ctx, sessions, session } = await contextForOneSocket();
    expect(await ctx.session.read()).toEqual({});
    await ctx.session.update({ lastSaidAt: 5 });
    expect(await ctx.session.read()).toEqual({ lastSaidAt: 5 });
    expect((await sessions.get(session.id))?.data).toEqual({ lastSaidAt: 5 });
  });

  it("asks the gateway's presence for a room's people", async () => {
    const { ctx } = await contextForOneSocket();
    expect(await ctx.presence("beach")).toEqual([{ userId: "u1", userName: "Ada", tabs: 1 }]);
    expect(await ctx.presence("orbit")).toEqual([]);
  });
});
