/**
 * Observers of the chat rooms: what a room's sockets receive. Each key is a bus topic
 * (`room.message`) and the client event of the same name.
 */

import { defineObservers } from "whisk/server";
import { z } from "zod";
import { observe } from "@/server/builders";
import { historyStream, type RoomId, roomIdSchema } from "@/server/rooms";

const person = z.object({ id: z.string(), name: z.string() });

export const chatMessageSchema = z.object({
  id: z.string(),
  room: roomIdSchema,
  author: person,
  text: z.string(),
  at: z.number(),
  /** Where this message sits in the room's history, to resume from after a reconnect. */
  position: z.object({ epoch: z.string(), offset: z.string() }),
});

export type ChatMessage = z.infer<typeof chatMessageSchema>;

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
  // A slow reader is cut: its client reconnects and resumes exactly from history (position), no gap, no backlog.
  message: observe(chatMessageSchema)
    .slowClients({ policy: "disconnect" })
    // Stored before it is published (server/workers/chat.ts): after a bus gap (Redis went away and
    // came back), each gateway delivers what its rooms missed from the history stream, once, in order.
    .kept({
      stream: (room) => historyStream(room as RoomId),
      position: (message) => message.position,
      payload: (entry, epoch) => ({ ...(entry.message as Omit<ChatMessage, "position">), position: { epoch, offset: entry.offset } }),
    })
    .handle((message) => message),
  notice: observe(roomNoticeSchema).handle((notice) => notice),
  private: observe(z.object({ id: z.string(), room: roomIdSchema, from: person, to: person, text: z.string(), at: z.number() })).handle(
    (whisper) => whisper,
  ),
});
