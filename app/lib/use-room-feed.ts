"use client";
/**
 * Everything a room shows, in order: its messages (history, live, and what was missed across a
 * reconnect, from `useRoom`), with the notices heard while here and the private messages said here
 * (from this user's inbox, `useInbox`, caught up the same way).
 */
import { useEffect, useMemo, useState } from "react";
import type { ChatMessage } from "@/server/chat-rooms";
import type { RoomNotice } from "@/server/observers/room";
import type { RoomId } from "@/server/rooms";
import { useInbox, useRoom, useWhiskEvent } from "./whisk";

/** A message this page sent that the room has not sent back yet: on its way, or failed (with why). */
export interface Sending {
  clientId: string;
  state: "sending" | "sent" | "failed";
  error: string | null;
}

export type FeedItem =
  | ({ kind: "message"; sending?: Sending } & Omit<ChatMessage, "position" | "room">)
  | { kind: "notice"; notice: RoomNotice["kind"]; id: string; user: { id: string; name: string }; at: number }
  | { kind: "private"; id: string; from: { id: string; name: string }; to: { id: string; name: string }; text: string; at: number }
  /** The room would not let us in (someone there has a name like ours), in the server's words. */
  | { kind: "refused"; id: string; text: string };

type LiveItem = Extract<FeedItem, { kind: "notice" | "private" }>;

const MAX_LIVE_ITEMS = 200;

export function useRoomFeed(roomId: RoomId, me: { id: string; name: string }) {
  // What is said shows at once, as sending, until the room's copy takes its place.
  const room = useRoom("room", roomId, { optimistic: ({ text }) => ({ id: "", author: me, text, at: Date.now() }) });
  const [live, setLive] = useState<LiveItem[]>([]);
  // A new room starts with no notices.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the reset is what a room change means
  useEffect(() => setLive([]), [roomId]);
  const hear = (item: LiveItem) =>
    setLive((heard) => (heard.some((each) => each.id === item.id) ? heard : [...heard, item].slice(-MAX_LIVE_ITEMS)));

  useWhiskEvent("room.notice", (notice) => {
    if (notice.room === roomId) hear({ kind: "notice", notice: notice.kind, id: notice.id, user: notice.user, at: notice.at });
  });
  // Whispers said in this room, from this user's inbox: kept, so none is lost across a reconnect.
  const inbox = useInbox("inbox");
  const whispers = useMemo(
    () =>
      inbox.messages
        .filter((whisper) => whisper.chatRoom === roomId)
        .map(({ id, from, to, text, at }): LiveItem => ({ kind: "private", id, from, to, text, at })),
    [inbox.messages, roomId],
  );

  const items = useMemo(() => {
    // Messages keep their order from the room; notices and whispers go in by time.
    const merged: FeedItem[] = room.messages.map((message) => ({ kind: "message", ...message }));
    for (const item of [...live, ...whispers].sort((a, b) => a.at - b.at)) {
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
  }, [room.messages, room.pending, room.status, room.error, live, whispers, roomId]);

  return { items, entered: room.status === "joined", say: room.send, retry: room.retry, discard: room.discard };
}
