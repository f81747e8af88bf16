import { z } from "zod";
import type { HistoryEntry, HistoryPosition, HistoryStore } from "../history/history-store";
import type { JoinAnswer, RoomHistory } from "./define-rooms";

/** A kept entry as clients receive it: the app's fields, the room (an inbox's owner), and its position. */
export function asRoomMessage(entry: HistoryEntry, epoch: string, room: string) {
  return { ...(entry.message as object), room, position: { epoch, offset: entry.offset } };
}

/** What a join answers: the stream's last `limit` messages, or exactly those after `since`. */
export async function joinPage(
  history: HistoryStore,
  stream: string,
  room: string,
  since: HistoryPosition | undefined,
  limit: number,
): Promise<JoinAnswer<unknown>> {
  const page = since ? await history.since(stream, since, limit) : await history.recent(stream, limit);
  return { room, messages: page.entries.map((entry) => asRoomMessage(entry, page.epoch, room)), resumed: page.resumed };
}

/** `payload` as a group's message schema reads it, checked before anything is kept: throws saying whose. */
export function checkedMessage(schema: z.ZodObject, payload: unknown, whose: string): Record<string, unknown> {
  const checked = schema.safeParse(payload);
  if (!checked.success) throw new Error(`A message for ${whose} does not match its schema: ${checked.error.message}`);
  return checked.data;
}

/** What a join answers, for the contract: a page of the group's messages as clients receive them. */
export function joinAnswerSchema(message: z.ZodType) {
  return z.object({ room: z.string(), messages: z.array(message), resumed: z.boolean() });
}

/** What a leave or a presence change answers, for the contract. */
export const roomAnswerSchema = z.object({ room: z.string() });

/** Refuses bounds no stream can keep, at definition time: `whose` names the group in the message. */
export function checkHistoryBounds(whose: string, history: RoomHistory): void {
  for (const [bound, value] of [
    ["onJoin", history.onJoin],
    ["maxLength", history.maxLength],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= 1_000))
      throw new Error(`${whose}: history.${bound} is a whole number from 0 to 1000 (got ${value}).`);
  }
  if (history.ttlMs !== undefined && !(history.ttlMs > 0))
    throw new Error(`${whose}: history.ttlMs is a duration in ms above 0 (got ${history.ttlMs}).`);
}
