/**
 * The chat's room group: which rooms exist (server/rooms.ts), who may enter, what a message is,
 * how many are kept, and what saying something does. Whisk adds the routes `room.join`,
 * `room.leave` and `room.send` and the event `room.message`; a page enters with `useRoom("room", id)`.
 */
import { clientIdSchema, defineRooms, type RoomHistory, type RoomMessage, WhiskError } from "whisk/server";
import { z } from "zod";
import { route } from "@/server/builders";
import { looksAlike } from "@/server/looks-alike";
import { messageText } from "@/server/message-text";
import { person } from "@/server/person";
import { MAX_CHAT_LENGTH, type RoomId, roomIdSchema } from "@/server/rooms";
import { chatWorkers } from "@/server/workers/chat";

export const HISTORY_LIMIT = 50;

/**
 * A line of a room as the worker keeps and publishes it; clients get it with its room and
 * position. `clientId` is the sender page's id for it, so its pending copy there is replaced
 * (useRoom's optimistic sends). With `notice`, the line says what `author` did, not what they
 * said (as Slack's `channel_join` message): kept in the room's history like any line, so a page
 * that was reconnecting still shows who came in. The page writes the sentence from the data, with
 * the name as a name, so a name such as "Bob entered Orbit. Eve" can never pass for a notice.
 * Add a kind here, then say how it reads in app/components/feed.tsx.
 */
export const chatMessageSchema = z.object({
  id: z.string(),
  author: person,
  text: z.string(),
  at: z.number(),
  clientId: clientIdSchema.optional(),
  notice: z.enum(["entered"]).optional(),
});

export type ChatMessage = RoomMessage<z.output<typeof chatMessageSchema>, RoomId, RoomHistory>;

export const chatRooms = defineRooms("room", {
  id: roomIdSchema,
  message: chatMessageSchema,
  // The last 50 with every entry, or exactly what was missed after a reconnect. A slow reader is
  // cut: its client reconnects and catches up from history, no gap, no backlog.
  history: { onJoin: HISTORY_LIMIT },
  // What each person says about themselves in the room: typing now, or away from the page.
  presence: z.object({ typing: z.boolean().optional(), idle: z.boolean().optional() }),
  // The chat shows one room at a time: entering one leaves the last.
  oneAtATime: true,
  /** Refused while someone else in the room has a name that looks like this user's (on a rejoin too: they may have come in meanwhile). */
  async authorize(room, ctx) {
    const present = await ctx.presence(room);
    if (present.some((other) => other.userId !== ctx.user.id && looksAlike(other.userName, ctx.user.name))) {
      throw new WhiskError("FORBIDDEN", "Someone in this room has a name that looks like yours; sign in with another name to enter.");
    }
  },
  /** Announced by the worker, which also remembers the room for the next visit. */
  async joined(room, ctx) {
    await ctx.bus.send(chatWorkers.queues.enter, { room, user: ctx.user, sessionId: ctx.session.id });
  },
  /** Who speaks comes from the session; the worker keeps the line and publishes it (server/workers/chat.ts). */
  send: route
    .input(
      z
        .object({ room: roomIdSchema, text: messageText(MAX_CHAT_LENGTH), clientId: clientIdSchema.optional() })
        .describe("Says something in a room the socket is in; the room's copy carries `clientId` back."),
    )
    .output(z.object({ sent: z.literal(true) }))
    .handle(async ({ room, text, clientId }, ctx) => {
      await ctx.bus.send(chatWorkers.queues.say, { room, author: ctx.user, text, at: ctx.services.now(), clientId });
      return { sent: true as const };
    }),
});
