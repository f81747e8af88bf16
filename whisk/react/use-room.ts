import { useCallback, useEffect, useRef, useSyncExternalStore } from "react";
import type { PendingSend, RoomStatus } from "../client/room-feeds";
import type { WhiskErrorPayload } from "../core/errors";
import type { EmitResult } from "../core/result";
import { useConnection } from "./whisk-provider";

/** A room a component is in (see `useRoom`). */
export interface RoomHandle<Message, SendInput, SendOutput, Optimistic = Message> {
  /** The room's history, then its live messages, in order and each once, across reconnects. */
  messages: readonly Message[];
  /** With `optimistic`: what this client sent that the room has not sent back yet; show it after `messages`. */
  pending: readonly PendingSend<Optimistic>[];
  /** `connecting` (no socket yet, or it was lost), `joining`, `joined`, or `refused` (see `error`). */
  status: RoomStatus;
  /** Why the room refused this user (its `authorize`), or did not answer; null once joined. */
  error: WhiskErrorPayload | null;
  /** Sends to the room (its group's `send` route); resolves to the answer, never throws. */
  send(input: SendInput): Promise<EmitResult<SendOutput>>;
  /** Sends a failed pending message again. */
  retry(clientId: string): void;
  /** Forgets a failed pending message. */
  discard(clientId: string): void;
}

export interface UseRoomOptions<SendInput, Optimistic> {
  /**
   * The message as it will look, made from what is sent: it shows in `pending` at once, and the
   * room's copy (whose `clientId` the send's payload carried) takes its place.
   */
  optimistic?: (input: SendInput) => Optimistic;
}

/**
 * Puts this component in `room` of the room group `group` (`defineRooms` on the server): joined
 * on mount, left on unmount, joined again quietly after every reconnect with exactly the
 * messages missed. Components holding the same room share one join. Get the typed version from
 * `createWhiskReact`.
 *
 * @example
 * const beach = useRoom("room", "beach", { optimistic: ({ text }) => ({ id: "", author: me, text, at: Date.now() }) });
 * [...beach.messages, ...beach.pending.map((p) => p.message)].map((m) => <p key={m.id}>{m.author.name}: {m.text}</p>);
 * <button onClick={() => beach.send({ text: "hi" })}>Say hi</button>
 */
export function useRoom(
  group: string,
  room: string,
  options: UseRoomOptions<Record<string, unknown>, unknown> = {},
): RoomHandle<unknown, Record<string, unknown>, unknown, unknown> {
  const connection = useConnection("useRoom");
  const feeds = connection.rooms;
  useEffect(() => feeds.hold(group, room), [feeds, group, room]);
  const read = useCallback(() => feeds.view(group, room), [feeds, group, room]);
  const view = useSyncExternalStore(feeds.subscribe, read, read);
  // The latest `optimistic`, without making `send` new on every render.
  const optimistic = useRef(options.optimistic);
  useEffect(() => {
    optimistic.current = options.optimistic;
  });
  const send = useCallback(
    (input: Record<string, unknown>) => feeds.send(group, room, input, optimistic.current?.(input)),
    [feeds, group, room],
  );
  const retry = useCallback((clientId: string) => void feeds.retry(group, room, clientId), [feeds, group, room]);
  const discard = useCallback((clientId: string) => feeds.discard(group, room, clientId), [feeds, group, room]);
  return { messages: view.messages, pending: view.pending, status: view.status, error: view.error, send, retry, discard };
}
