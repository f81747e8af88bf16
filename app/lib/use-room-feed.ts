"use client";
/**
 * Everything a room shows, in order: its messages (history, live, and what was missed across a
 * reconnect, from `useRoom`), with the notices and private messages heard while here.
 */
import { useEffect, useMemo, useState } from "react";
import type { ChatMessage } from "@/server/chat-rooms";
import type { RoomNotice } from "@/server/observers/room";
import type { RoomId } from "@/server/rooms";
import { useRoom, useWhiskEvent } from "./whisk";

export type FeedItem =
  | ({ kind: "message" } & Omit<ChatMessage, "position">)
  | { kind: "notice"; notice: RoomNotice["kind"]; id: string; user: { id: string; name: string }; at: number }
  | { kind: "private"; id: string; from: { id: string; name: string }; to: { id: string; name: string }; text: string; at: number }
  /** The room would not let us in (someone there has a name like ours), in the server's words. */
  | { kind: "refused"; id: string; text: string };

type LiveItem = Extract<FeedItem, { kind: "notice" | "private" }>;

const MAX_LIVE_ITEMS = 200;

export function useRoomFeed(roomId: RoomId) {
  const room = useRoom("room", roomId);
  const [live, setLive] = useState<LiveItem[]>([]);
  // A new room starts with no notices.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the reset is what a room change means
  useEffect(() => setLive([]), [roomId]);
  const hear = (item: LiveItem) =>
    setLive((heard) => (heard.some((each) => each.id === item.id) ? heard : [...heard, item].slice(-MAX_LIVE_ITEMS)));

  useWhiskEvent("room.notice", (notice) => {
    if (notice.room === roomId) hear({ kind: "notice", notice: notice.kind, id: notice.id, user: notice.user, at: notice.at });
  });
  useWhiskEvent("room.private", (whisper) => {
    if (whisper.room === roomId) hear({ kind: "private", ...whisper });
  });

  const items = useMemo(() => {
    // Messages keep their order from the room; notices and whispers go in by time.
    const merged: FeedItem[] = room.messages.map((message) => ({ kind: "message", ...message }));
    for (const item of live) {
      const after = merged.findLastIndex((each) => "at" in each && each.at <= item.at);
      merged.splice(after + 1, 0, item);
    }
    // Shown once, however often a reconnect is refused again.
    if (room.status === "refused" && room.error?.code === "FORBIDDEN")
      merged.push({ kind: "refused", id: `refused:${roomId}`, text: room.error.message });
    return merged;
  }, [room.messages, room.status, room.error, live, roomId]);

  return { items, entered: room.status === "joined" };
}
