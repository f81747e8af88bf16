/**
 * The chat's per-user inbox: each whisper is kept in the addressee's inbox and the sender's, for
 * a week and 200 messages at most, so one sent while either was reconnecting is not lost. A page
 * holds it with `useInbox("inbox")`; Whisk adds `inbox.join`, `inbox.leave` and `inbox.message`.
 */
import { defineInbox } from "whisk/server";
import { z } from "zod";
import { person } from "@/server/person";
import { roomIdSchema } from "@/server/rooms";

/** A private message, said in `chatRoom` (Whisk's `room` on an inbox message is whose inbox it is). */
export const whisperSchema = z.object({
  id: z.string(),
  chatRoom: roomIdSchema,
  from: person,
  to: person,
  text: z.string(),
  at: z.number(),
});

export const chatInbox = defineInbox("inbox", {
  message: whisperSchema,
  history: { onJoin: 50, maxLength: 200, ttlMs: 7 * 24 * 60 * 60 * 1_000 },
});
