/**
 * The chat's workers, as in the original chat-room: routes hand jobs here, and the worker records
 * and publishes, so the gateway that took the message does not have to know who is where. A
 * whisper goes straight from its route to the two inboxes (server/routes/room.ts).
 */
import { randomUUID } from "node:crypto";
import { clientIdSchema, defineWorkers } from "whisk/server";
import { z } from "zod";
import { work } from "@/server/builders";
import { chatRooms } from "@/server/chat-rooms";
import { person } from "@/server/person";
import { roomIdSchema } from "@/server/rooms";
import { sessionData } from "@/server/session-data";

export const chatWorkers = defineWorkers("chat", {
  /** Someone entered a room: tell the room (kept in its history, as a line), and remember where they are. */
  enter: work(z.object({ room: roomIdSchema, user: person, sessionId: z.string() })).handle(async ({ room, user, sessionId }, ctx) => {
    await ctx.sessions.update(sessionId, sessionData.patch({ room }));
    await chatRooms.publish(ctx, room, { id: randomUUID(), author: user, text: "", at: ctx.services.now(), notice: "entered" });
  }),

  /**
   * A room message: kept in the room's history, then sent to everyone in the room. Named by its
   * author and page's `clientId`, so a retry of a send whose answer was lost (or this job, run
   * again) is kept and shown once.
   */
  say: work(z.object({ room: roomIdSchema, author: person, text: z.string(), at: z.number(), clientId: clientIdSchema.optional() })).handle(
    async ({ room, author, text, at, clientId }, ctx) => {
      const message = { id: randomUUID(), author, text, at, clientId };
      if (clientId) await chatRooms.publish(ctx, room, message, { once: `${author.id}:${clientId}` });
      else await chatRooms.publish(ctx, room, message);
    },
  ),
});
