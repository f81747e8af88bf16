/**
 * Routes of the chat rooms: enter a room (with its history), say something, whisper to one
 * person. Who speaks always comes from the session; the payload only says what and where.
 */

import { randomUUID } from "node:crypto";
import { historyPositionSchema } from "whisk/history";
import { defineRoutes, toUser, WhiskError } from "whisk/server";
import { z } from "zod";
import { route } from "@/server/builders";
import { looksAlike } from "@/server/looks-alike";
import { messageText } from "@/server/message-text";
import { type ChatMessage, roomObservers } from "@/server/observers/room";
import { historyStream, MAX_CHAT_LENGTH, roomIdSchema, roomTitle } from "@/server/rooms";
import { chatWorkers } from "@/server/workers/chat";

export const HISTORY_LIMIT = 50;

const text = messageText(MAX_CHAT_LENGTH);

export const roomRoutes = defineRoutes("room", {
  /**
   * Moves this socket into `room` (out of any other) and returns the room's last messages, or
   * exactly what was missed since `since` when the client comes back after a reconnect.
   * Refused while someone else in the room has a name that looks like this user's.
   */
  enter: route
    .input(
      z.object({
        room: roomIdSchema,
        since: historyPositionSchema.optional(),
        /** A reconnect: rejoin quietly, without announcing. */
        rejoin: z.boolean().optional(),
      }),
    )
    // A page of history (up to 50 messages of at most 3 KB), presence and a notice: five events' worth,
    // so a socket may enter at most 4 times a second, and asking for pages in a loop is cheap to refuse.
    .cost(5)
    .handle(async ({ room, since, rejoin }, ctx) => {
      // On a rejoin too: `rejoin` comes from the client, and the look-alike may have come in meanwhile.
      const present = await ctx.presence(room);
      if (present.some((other) => other.userId !== ctx.user.id && looksAlike(other.userName, ctx.user.name))) {
        throw new WhiskError("FORBIDDEN", "Someone in this room has a name that looks like yours; sign in with another name to enter.");
      }
      // Entering the room this socket is already in again announces nothing: asked a thousand
      // times, it would be a thousand notices to everyone in the room.
      const alreadyIn = ctx.socket.rooms().includes(room);
      await ctx.socket.moveTo(room);
      if (!rejoin && !alreadyIn) await ctx.bus.send(chatWorkers.queues.enter, { room, user: ctx.user, sessionId: ctx.session.id });
      const stream = historyStream(room);
      const page = since
        ? await ctx.services.history.since(stream, since, HISTORY_LIMIT)
        : await ctx.services.history.recent(stream, HISTORY_LIMIT);
      const messages = page.entries.map((entry) => ({
        ...(entry.message as Omit<ChatMessage, "position">),
        position: { epoch: page.epoch, offset: entry.offset },
      }));
      return { room, title: roomTitle(room), messages, resumed: page.resumed };
    }),

  say: route.input(z.object({ room: roomIdSchema, text })).handle(async ({ room, text }, ctx) => {
    if (!ctx.socket.rooms().includes(room)) throw new WhiskError("FORBIDDEN", "Enter the room before speaking in it.");
    await ctx.bus.send(chatWorkers.queues.say, { room, author: ctx.user, text, at: ctx.services.now() });
    return { sent: true as const };
  }),

  whisper: route
    .input(z.object({ room: roomIdSchema, toUserId: z.string().max(100), text }))
    .handle(async ({ room, toUserId, text }, ctx) => {
      if (!ctx.socket.rooms().includes(room)) throw new WhiskError("FORBIDDEN", "Enter the room before whispering in it.");
      // Who is in the room as this gateway saw it within the last second: one read per room per
      // second, not one per whisper (someone who just left may still get it, as on any screen).
      const addressee = (await ctx.presence(room, { maxAgeMs: 1_000 })).find((user) => user.userId === toUserId);
      if (!addressee) throw new WhiskError("FORBIDDEN", "That person is not in this room.");
      const to = { id: addressee.userId, name: addressee.userName };
      // Straight from the route to the two people's sockets, wherever they are: nothing to keep,
      // so no worker hop (the bus carries it only to their gateways).
      const whisper = { id: randomUUID(), room, from: ctx.user, to, text, at: ctx.services.now() };
      await ctx.bus.to(toUser(to.id), toUser(ctx.user.id)).publish(roomObservers.topics.private, whisper);
      return { sent: true as const, to };
    }),
});
