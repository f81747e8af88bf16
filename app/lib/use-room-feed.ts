"use client";
/**
 * Everything a room shows, in order: its history on entering, then live messages, notices and
 * private messages. After a reconnect it asks for exactly what it missed (the last position it
 * saw), and drops anything it already has, so nothing shows twice.
 */
import { useEffect, useRef, useState } from "react";
import type { ChatMessage, RoomNotice } from "@/server/observers/room";
import type { RoomId } from "@/server/rooms";
import { useWhisk, useWhiskEvent } from "./whisk";

export type FeedItem =
  | ({ kind: "message" } & Omit<ChatMessage, "position">)
  | { kind: "notice"; notice: RoomNotice["kind"]; id: string; user: { id: string; name: string }; at: number }
  | { kind: "private"; id: string; from: { id: string; name: string }; to: { id: string; name: string }; text: string; at: number }
  /** The room would not let us in (someone there has a name like ours), in the server's words. */
  | { kind: "refused"; id: string; text: string };

const MAX_ITEMS = 500;

export function useRoomFeed(room: RoomId) {
  const { state, emit } = useWhisk();
  const [items, setItems] = useState<FeedItem[]>([]);
  const [entered, setEntered] = useState(false);
  const seen = useRef(new Set<string>());
  const position = useRef<ChatMessage["position"] | null>(null);
  const enteredBefore = useRef(false);

  const add = (item: FeedItem) => {
    if (seen.current.has(item.id)) return;
    seen.current.add(item.id);
    setItems((current) => [...current, item].slice(-MAX_ITEMS));
  };
  const remember = (message: ChatMessage) => {
    position.current = message.position;
    add({ kind: "message", ...message });
  };

  // A new room starts empty.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the reset is what a room change means
  useEffect(() => {
    setItems([]);
    setEntered(false);
    seen.current = new Set();
    position.current = null;
    enteredBefore.current = false;
  }, [room]);

  // Enter on every new connection: the first time with the last 50 messages, after a
  // reconnect quietly and with only what was missed.
  const socketId = state.status === "connected" ? state.socketId : null;
  useEffect(() => {
    if (!socketId) return;
    let current = true;
    const since = position.current ?? undefined;
    void emit("room.enter", { room, since, rejoin: enteredBefore.current }).then((result) => {
      if (!current) return;
      if (result.status === "error" && result.error.code === "FORBIDDEN") {
        // Shown once, however often a reconnect is refused again.
        const refused: FeedItem = { kind: "refused", id: `refused:${room}`, text: result.error.message };
        if (!seen.current.has(refused.id)) setItems((shown) => [...shown, refused]);
        seen.current.add(refused.id);
      }
      if (result.status !== "ok") return;
      enteredBefore.current = true;
      const { messages, resumed } = result.data;
      const fresh: FeedItem[] = messages
        .filter((message) => !seen.current.has(message.id))
        .map((message) => ({ kind: "message", ...message }));
      for (const message of fresh) seen.current.add(message.id);
      const last = messages.at(-1);
      if (last) position.current = last.position;
      // Missed messages go after what is shown; a first (or unresumable) history goes before
      // anything that arrived live while it loaded, such as the notice that we entered.
      setItems((shown) => (resumed ? [...shown, ...fresh] : [...fresh, ...shown]).slice(-MAX_ITEMS));
      setEntered(true);
    });
    return () => {
      current = false;
    };
  }, [socketId, room, emit]);

  useWhiskEvent("room.message", (message) => {
    if (message.room === room) remember(message);
  });
  useWhiskEvent("room.notice", (notice) => {
    if (notice.room === room) add({ kind: "notice", notice: notice.kind, id: notice.id, user: notice.user, at: notice.at });
  });
  useWhiskEvent("room.private", (whisper) => {
    if (whisper.room === room) add({ kind: "private", ...whisper });
  });

  return { items, entered };
}
