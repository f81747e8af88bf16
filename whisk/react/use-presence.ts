import { useCallback, useMemo, useSyncExternalStore } from "react";
import type { PresenceUpdate } from "../core/protocol";
import { useConnection } from "./whisk-provider";

export type PresentUser = PresenceUpdate["users"][number];

/** A room's people, this user apart (see `usePresence`). */
export interface RoomPresence<State> {
  /** This user as the room sees them (all their tabs), with the state this tab set at once; null until present. */
  self: (PresentUser & { state?: State }) | null;
  /** Everyone else in the room, one line per user, by name. */
  others: (PresentUser & { state?: State })[];
  /** Says something about this user in the room (merged into what was said before), for everyone there. */
  update(patch: Partial<State>): void;
}

/**
 * Who is in `room` of the room group `group` right now, on every gateway: `self` and `others`,
 * one line per user (`tabs` counts their sockets), each with the state they set (typed by the
 * group's `presence` schema). Updates live as people join, leave, close a tab, lose their
 * gateway, or change their state; `update` sends this user's, throttled. Get the typed version
 * from `createWhiskReact`.
 *
 * @example
 * const { self, others, update } = usePresence("room", "beach");
 * others.filter((person) => person.state?.typing).map((person) => `${person.userName} is typing…`);
 * <input onChange={(event) => update({ typing: event.target.value !== "" })} />
 */
export function usePresence(group: string, room: string): RoomPresence<Record<string, unknown>> {
  const connection = useConnection("usePresence");
  const readPeople = useCallback(() => connection.presenceOf(room), [connection, room]);
  const people = useSyncExternalStore(connection.subscribePresence, readPeople, readPeople);
  const readMine = useCallback(() => connection.rooms.myPresenceIn(group, room), [connection, group, room]);
  const mine = useSyncExternalStore(connection.rooms.subscribe, readMine, readMine);
  const connected = useSyncExternalStore(connection.subscribe, connection.getState, connection.getState);
  const myId = connected.status === "connected" ? connected.user.id : null;
  const { self, others } = useMemo(() => {
    const found = people.find((person) => person.userId === myId);
    return {
      self: found ? { ...found, state: (mine ?? found.state) as Record<string, unknown> | undefined } : null,
      others: people.filter((person) => person.userId !== myId) as RoomPresence<Record<string, unknown>>["others"],
    };
  }, [people, mine, myId]);
  const update = useCallback(
    (patch: Partial<Record<string, unknown>>) => connection.rooms.updatePresence(group, room, patch),
    [connection, group, room],
  );
  return { self, others, update };
}
