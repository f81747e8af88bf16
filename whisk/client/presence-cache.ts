import type { PresenceUpdate } from "../core/protocol";
import { applyPresenceUpdate, type PresentUsers } from "./presence-view";

/** One shared empty list: `useSyncExternalStore` needs the same value back while nothing changed. */
const NOBODY: PresentUsers = [];

/** The latest presence of each room a connection is in, kept from its `whisk.presence` updates. */
export class PresenceCache {
  private readonly rooms = new Map<string, PresentUsers>();
  private readonly listeners = new Set<() => void>();

  apply = (update: PresenceUpdate): void => {
    this.rooms.set(update.room, applyPresenceUpdate(this.rooms.get(update.room) ?? NOBODY, update));
    for (const listener of this.listeners) listener();
  };

  /** Who is in `room` now, counted per user; empty until the first update for it arrives. */
  usersIn = (room: string): PresentUsers => this.rooms.get(room) ?? NOBODY;

  /** Calls `listener` whenever any room's presence changes. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
