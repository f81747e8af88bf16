"use client";
/**
 * Everything a room shows, in order: its lines (messages and notices such as "Ann entered the
 * room": history, live, and what was missed across a reconnect, from `useRoom`), with the private
 * messages said here (from this user's inbox, `useInbox`, caught up the same way).
 */
import { useMemo } from "react";
import type { ChatMessage } from "@/server/chat-rooms";
import type { RoomId } from "@/server/rooms";
import { useInbox, useRoom } from "./whisk";

/** A message this page sent that the room has not sent back yet: on its way, or failed (with why). */
export interface Sending {
  clientId: string;
  state: "sending" | "sent" | "failed";
  error: string | null;
}

export type FeedItem =
  | ({ kind: "message"; sending?: Sending } & Omit<ChatMessage, "position" | "room" | "notice">)
  | { kind: "notice"; notice: NonNullable<ChatMessage["notice"]>; id: string; user: { id: string; name: string }; at: number }
  | { kind: "private"; id: string; from: { id: string; name: string }; to: { id: string; name: string }; text: string; at: number }
  /** The room would not let us in (someone there has a name like ours), in the server's words. */
  | { kind: "refused"; id: string; text: string };

type PrivateItem = Extract<FeedItem, { kind: "private" }>;

export function useRoomFeed(roomId: RoomId, me: { id: string; name: string }) {
  // What is said shows at once, as sending, until the room's copy takes its place.
  const room = useRoom("room", roomId, { optimistic: ({ text }) => ({ id: "", author: me, text, at: Date.now() }) });
  // Whispers said in this room, from this user's inbox: kept, so none is lost across a reconnect.
  const inbox = useInbox("inbox");
  const whispers = useMemo(
    () =>
      inbox.messages
        .filter((whisper) => whisper.chatRoom === roomId)
        .map(({ id, from, to, text, at }): PrivateItem => ({ kind: "private", id, from, to, text, at })),
    [inbox.messages, roomId],
  );

  const items = useMemo(() => {
    // The room's lines keep their order from the room; whispers go in by time.
    const merged: FeedItem[] = room.messages.map(({ notice, ...message }) =>
      notice ? { kind: "notice", notice, id: message.id, user: message.author, at: message.at } : { kind: "message", ...message },
    );
    for (const item of [...whispers].sort((a, b) => a.at - b.at)) {
      const after = merged.findLastIndex((each) => "at" in each && each.at <= item.at);
      merged.splice(after + 1, 0, item);
    }
    // Shown once, however often a reconnect is refused again.
    if (room.status === "refused" && room.error?.code === "FORBIDDEN")
      merged.push({ kind: "refused", id: `refused:${roomId}`, text: room.error.message });
    // Sent from here and not back yet: after everything the room has sent, in the order sent.
    for (const { clientId, message, state, error } of room.pending) {
      // A refused text says what is wrong with it (its first issue), not only that it was refused.
      const reason = error ? (error.issues?.[0]?.message ?? error.message) : null;
      merged.push({ kind: "message", ...message, id: `pending:${clientId}`, sending: { clientId, state, error: reason } });
    }
    return merged;
  }, [room.messages, room.pending, room.status, room.error, whispers, roomId]);

  return { items, entered: room.status === "joined", say: room.send, retry: room.retry, discard: room.discard };
}
