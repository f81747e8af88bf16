/**
 * Observers of the chat rooms beside the room group's own messages (server/chat-rooms.ts) and
 * the whispers of each person's inbox (server/chat-inbox.ts): what else a room's sockets receive. Each key is a bus topic (`room.notice`) and the client event of
 * the same name.
 */

import { defineObservers } from "whisk/server";
import { z } from "zod";
import { observe } from "@/server/builders";
import { person } from "@/server/person";
import { roomIdSchema } from "@/server/rooms";

/**
 * Something that happened in a room, as data: the client writes the sentence, with the name as a
 * name, so a name such as "Bob entered Orbit. Eve" can never pass for a notice of its own.
 * Add a kind here, then say how it reads in app/components/feed.tsx.
 */
export const roomNoticeSchema = z.object({
  id: z.string(),
  room: roomIdSchema,
  kind: z.enum(["entered"]),
  user: person,
  at: z.number(),
});

export type RoomNotice = z.infer<typeof roomNoticeSchema>;

export const roomObservers = defineObservers("room", {
  notice: observe(roomNoticeSchema).handle((notice) => notice),
});
