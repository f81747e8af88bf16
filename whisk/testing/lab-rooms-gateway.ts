/**
 * A real gateway for the room hooks' tests (whisk/react/use-room.test.tsx, optimistic-sends.test.tsx): the
 * "lab" room group, with presence and a slow worker, in this process over the memory backend.
 */
import { vi } from "vitest";
import { z } from "zod";
import { WhiskError } from "../core/errors";
import type { TokenGrant } from "../core/protocol";
import { clientIdSchema, createBuilders, defineInbox, defineRooms, defineWhiskApp, defineWorkers } from "../server";
import { createWhisk } from "../server/host";
import { serveGateway } from "./in-process-gateway";

const { route, work } = createBuilders<object>();

/** How long the lab's worker takes over a "slow:" message, as a busy worker would. */
export const SLOW_WORKER_MS = 400;

/**
 * Rooms "lab:*": three kept messages answer a join; "vault" refuses everyone; "slow" takes 150 ms
 * to join. A send publishes at once, or through a slow worker for a text starting "slow:", and is
 * refused while `sends.refused` is set.
 */
function labRooms(announced: string[], sends: { refused: boolean }) {
  const rooms = defineRooms("lab", {
    id: z.string().max(20),
    message: z.object({ text: z.string(), clientId: clientIdSchema.optional() }),
    history: { onJoin: 3 },
    async authorize(room) {
      if (room === "vault") throw new WhiskError("FORBIDDEN", "Nobody enters the vault.");
      // A join that takes its time, as one reading a database would.
      if (room === "slow") await new Promise((resolve) => setTimeout(resolve, 150));
    },
    presence: z.object({ typing: z.boolean().optional(), note: z.string().optional() }),
    joined(room, ctx) {
      announced.push(`${ctx.user.name}:${room}`);
    },
    send: route
      .input(z.object({ room: z.string(), text: z.string(), clientId: clientIdSchema.optional() }))
      .handle(async ({ room, text, clientId }, ctx) => {
        if (sends.refused) throw new WhiskError("FORBIDDEN", "Sends are closed.");
        if (text.startsWith("slow:")) await ctx.bus.send(workers.queues.say, { room, text, clientId });
        else await rooms.publish(ctx, room, { text, clientId });
        return { sent: true };
      }),
  });
  const workers = defineWorkers("labWork", {
    say: work(z.object({ room: z.string(), text: z.string(), clientId: z.string().optional() })).handle(
      async ({ room, text, clientId }, ctx) => {
        await new Promise((resolve) => setTimeout(resolve, SLOW_WORKER_MS));
        await rooms.publish(ctx, room, { text, clientId });
      },
    ),
  });
  return { rooms, workers };
}

/** A gateway of the lab rooms in this process, with its worker, and what a test does to it; closed by `cleanups`. */
export async function startRoomGateway(cleanups: (() => unknown)[]) {
  const announced: string[] = [];
  const sends = { refused: false };
  const { rooms, workers } = labRooms(announced, sends);
  const inbox = defineInbox("labInbox", { message: z.object({ text: z.string() }), history: { onJoin: 10, maxLength: 20, ttlMs: 60_000 } });
  const whisk = createWhisk({
    app: defineWhiskApp({ rooms: [rooms, inbox], routes: [], observers: [], workers: [workers] }),
    services: {},
    nodeId: "room-node",
    allowedOrigins: [window.location.origin],
  });
  const { url, gateway } = await serveGateway(whisk, cleanups);
  whisk.startWorkers();
  const session = await whisk.sessions.create({ userId: "u1", userName: "One" }, 60_000);
  /** Held shut, a reconnect waits for its token: the test decides what happens meanwhile. */
  let gate: Promise<void> = Promise.resolve();
  const getToken = vi.fn(async (): Promise<TokenGrant> => {
    await gate;
    return whisk.issueToken({ sessionId: session.id, userId: "u1" });
  });
  const say = (room: string, text: string) => rooms.publish(whisk.handlerContext, room, { text });
  /** A message to one person's inbox, as a route or a worker would send it. */
  const tell = (userId: string, text: string) => inbox.publish(whisk.handlerContext, userId, { text });
  const present = async (room: string) => (await whisk.backend.presence.list(room)).length;
  const holdTokens = () => {
    let open = () => {};
    gate = new Promise((resolve) => {
      open = resolve;
    });
    return () => open();
  };
  /** As a network cut would: every connection closed under the sockets, so clients reconnect. */
  const cutConnections = () => {
    for (const socket of gateway.io.of("/").sockets.values()) socket.conn.close(true);
  };
  /** A second person's token source, for a second provider. */
  const tokensOf = async (userId: string, userName: string) => {
    const theirs = await whisk.sessions.create({ userId, userName }, 60_000);
    return () => whisk.issueToken({ sessionId: theirs.id, userId });
  };
  return { url, getToken, whisk, announced, sends, say, tell, present, holdTokens, cutConnections, tokensOf };
}
