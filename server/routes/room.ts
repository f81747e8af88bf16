/**
 * The chat's own route beside its room group (server/chat-rooms.ts, which enters, leaves and
 * says): whisper to one person. Who speaks always comes from the session; the payload only says
 * what and to whom.
 */

import { randomUUID } from "node:crypto";
import { defineRoutes, WhiskError } from "whisk/server";
import { z } from "zod";
import { route } from "@/server/builders";
import { chatInbox } from "@/server/chat-inbox";
import { messageText } from "@/server/message-text";
import { person } from "@/server/person";
import { MAX_CHAT_LENGTH, roomIdSchema } from "@/server/rooms";

const text = messageText(MAX_CHAT_LENGTH);

export const roomRoutes = defineRoutes("room", {
  whisper: route
    .input(
      z
        .object({ room: roomIdSchema, toUserId: z.string().max(100), text })
        .describe("Whispers to one person in the room: kept in both people's inboxes, sent to their sockets."),
    )
    .output(z.object({ sent: z.literal(true), to: person }))
    .refuses({ FORBIDDEN: "the sender is not in the room, or the addressee is not" })
    .handle(async ({ room, toUserId, text }, ctx) => {
      if (!ctx.socket.rooms().includes(room)) throw new WhiskError("FORBIDDEN", "Enter the room before whispering in it.");
      // Who is in the room as this gateway saw it within the last second: one read per room per
      // second, not one per whisper (someone who just left may still get it, as on any screen).
      const addressee = (await ctx.presence(room, { maxAgeMs: 1_000 })).find((user) => user.userId === toUserId);
      if (!addressee) throw new WhiskError("FORBIDDEN", "That person is not in this room.");
      const to = { id: addressee.userId, name: addressee.userName };
      // Straight from the route into the two people's inboxes, and to their sockets wherever they
      // are: no worker hop (the bus carries it only to their gateways).
      const whisper = { id: randomUUID(), chatRoom: room, from: ctx.user, to, text, at: ctx.services.now() };
      await chatInbox.publish(ctx, to.id, whisper);
      if (to.id !== ctx.user.id) await chatInbox.publish(ctx, ctx.user.id, whisper);
      return { sent: true as const, to };
    }),
});
