import { useCallback, useSyncExternalStore } from "react";
import type { PresenceUpdate } from "../core/protocol";
import { useConnection } from "./whisk-provider";

export type PresentUser = PresenceUpdate["users"][number];

/**
 * Who is in `room` right now, on every gateway, one entry per user (`tabs` counts their sockets).
 * Updates live as people join, leave, close a tab, or lose their gateway. A socket is in a room
 * once a route has called `ctx.socket.join(room)` for it.
 *
 * @example
 * const people = usePresence("beach");
 * return <ul>{people.map((p) => <li key={p.userId}>{p.userName}</li>)}</ul>;
 */
export function usePresence(room: string): PresentUser[] {
  const connection = useConnection("usePresence");
  const read = useCallback(() => connection.presenceOf(room), [connection, room]);
  return useSyncExternalStore(connection.subscribePresence, read, read);
}
