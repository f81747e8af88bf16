/**
 * The chat's workers, as in the original chat-room: routes hand jobs here, and the worker records
 * and publishes, so the gateway that took the message does not have to know who is where. A
 * whisper, kept nowhere, goes straight from its route (server/routes/room.ts).
 */
import { randomUUID } from "node:crypto";
import { clientIdSchema, defineWorkers, toRoom } from "whisk/server";
import { z } from "zod";
import { work } from "@/server/builders";
import { chatRooms } from "@/server/chat-rooms";
import { roomObservers } from "@/server/observers/room";
import { person } from "@/server/person";
import { roomIdSchema } from "@/server/rooms";
import { sessionData } from "@/server/session-data";

export const chatWorkers = defineWorkers("chat", {
  /** Someone entered a room: tell the room, and remember where they are. */
  enter: work(z.object({ room: roomIdSchema, user: person, sessionId: z.string() })).handle(async ({ room, user, sessionId }, ctx) => {
    await ctx.sessions.update(sessionId, sessionData.patch({ room }));
    await ctx.bus
      .to(toRoom(room))
      .publish(roomObservers.topics.notice, { id: randomUUID(), room, kind: "entered", user, at: ctx.services.now() });
  }),

  /** A room message: kept in the room's history, then sent to everyone in the room. */
  say: work(z.object({ room: roomIdSchema, author: person, text: z.string(), at: z.number(), clientId: clientIdSchema.optional() })).handle(
    async ({ room, author, text, at, clientId }, ctx) => {
      await chatRooms.publish(ctx, room, { id: randomUUID(), author, text, at, clientId });
    },
  ),
});
