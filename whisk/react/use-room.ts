import { useCallback, useEffect, useSyncExternalStore } from "react";
import type { RoomStatus } from "../client/room-feeds";
import type { WhiskErrorPayload } from "../core/errors";
import type { EmitResult } from "../core/result";
import { useConnection } from "./whisk-provider";

/** A room a component is in (see `useRoom`). */
export interface RoomHandle<Message, SendInput, SendOutput> {
  /** The room's history, then its live messages, in order and each once, across reconnects. */
  messages: readonly Message[];
  /** `connecting` (no socket yet, or it was lost), `joining`, `joined`, or `refused` (see `error`). */
  status: RoomStatus;
  /** Why the room refused this user (its `authorize`), or did not answer; null once joined. */
  error: WhiskErrorPayload | null;
  /** Sends to the room (its group's `send` route); resolves to the answer, never throws. */
  send(input: SendInput): Promise<EmitResult<SendOutput>>;
}

/**
 * Puts this component in `room` of the room group `group` (`defineRooms` on the server): joined
 * on mount, left on unmount, joined again quietly after every reconnect with exactly the
 * messages missed. Components holding the same room share one join. Get the typed version from
 * `createWhiskReact`.
 *
 * @example
 * const beach = useRoom("room", "beach");
 * beach.messages.map((m) => <p key={m.id}>{m.author.name}: {m.text}</p>);
 * <button onClick={() => beach.send({ text: "hi" })}>Say hi</button>
 */
export function useRoom(group: string, room: string): RoomHandle<unknown, Record<string, unknown>, unknown> {
  const connection = useConnection("useRoom");
  const feeds = connection.rooms;
  useEffect(() => feeds.hold(group, room), [feeds, group, room]);
  const read = useCallback(() => feeds.view(group, room), [feeds, group, room]);
  const view = useSyncExternalStore(feeds.subscribe, read, read);
  const send = useCallback(
    (input: Record<string, unknown>) => connection.emit(`${group}.send`, { ...input, room }),
    [connection, group, room],
  );
  return { messages: view.messages, status: view.status, error: view.error, send };
}
