import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import type { RoomStatus } from "../client/room-feeds";
import type { WhiskErrorPayload } from "../core/errors";
import { useConnection } from "./whisk-provider";

/** This user's inbox (see `useInbox`). */
export interface InboxHandle<Message> {
  /** What was sent to this user (and kept), oldest first, each once, across reconnects. */
  messages: readonly Message[];
  status: RoomStatus;
  error: WhiskErrorPayload | null;
}

/**
 * This user's inbox of the group `group` (`defineInbox` on the server): its last messages once
 * connected, then each new one, and after every reconnect exactly those sent meanwhile. Get the
 * typed version from `createWhiskReact`.
 *
 * @example
 * const { messages } = useInbox("inbox");
 * messages.map((whisper) => <p key={whisper.id}>{whisper.from.name}: {whisper.text}</p>);
 */
export function useInbox(group: string): InboxHandle<unknown> {
  const connection = useConnection("useInbox");
  const feeds = connection.rooms;
  const state = useSyncExternalStore(connection.subscribe, connection.getState, connection.getState);
  // The inbox is the user's own: held from the first welcome on, through reconnects, until the user changes.
  const [owner, setOwner] = useState<string | null>(null);
  const connectedAs = state.status === "connected" ? state.user.id : null;
  useEffect(() => {
    if (connectedAs) setOwner(connectedAs);
  }, [connectedAs]);
  useEffect(() => (owner ? feeds.hold(group, owner) : undefined), [feeds, group, owner]);
  const read = useCallback(() => feeds.view(group, owner ?? ""), [feeds, group, owner]);
  const view = useSyncExternalStore(feeds.subscribe, read, read);
  return { messages: view.messages, status: view.status, error: view.error };
}
