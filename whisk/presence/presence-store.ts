/** One socket present in a room. A user with two tabs has two entries and counts once. */
export interface PresenceEntry {
  socketId: string;
  userId: string;
  userName: string;
  nodeId: string;
  /** What this socket says about itself in the room (typing, idle...), as set by `<group>.presence`; none until it sets one. */
  state?: unknown;
  /** When `state` was set (ms since the epoch): of a user's tabs, the latest state is theirs. */
  stateAt?: number;
}

/** Who is in a room, counted per user. */
export interface PresentUser {
  userId: string;
  userName: string;
  /** How many of this user's sockets are in the room. */
  tabs: number;
  /** The state this user's tabs set last in the room; absent until one sets it. */
  state?: unknown;
}

/**
 * Presence entries with an expiry: gateways refresh their sockets' entries while they live, so
 * the entries of a gateway that died expire on their own and `sweep` (run by every gateway)
 * reports the rooms that changed.
 */
export interface PresenceStore {
  add(room: string, entry: PresenceEntry, ttlMs: number): Promise<void>;
  /**
   * Writes these entries of one room, or renews them, in one go: the tracker's heartbeat for all
   * the sockets a gateway holds there, one write per room instead of one per socket.
   */
  renew(room: string, entries: readonly PresenceEntry[], ttlMs: number): Promise<void>;
  remove(room: string, socketId: string): Promise<void>;
  list(room: string): Promise<PresenceEntry[]>;
  /** Drops expired entries; returns the rooms that lost any. */
  sweep(): Promise<string[]>;
}

/** The order of localeCompare, with one collator made once (localeCompare makes one per call). */
const byName = new Intl.Collator();

/** Entries -> one line per user, by name: the pure half of presence. */
export function groupPresence(entries: readonly PresenceEntry[]): PresentUser[] {
  const users = new Map<string, PresentUser>();
  const stateAt = new Map<string, number>();
  for (const entry of entries) {
    let user = users.get(entry.userId);
    if (user) user.tabs += 1;
    else {
      user = { userId: entry.userId, userName: entry.userName, tabs: 1 };
      users.set(entry.userId, user);
    }
    if (entry.stateAt !== undefined && entry.stateAt >= (stateAt.get(entry.userId) ?? 0)) {
      stateAt.set(entry.userId, entry.stateAt);
      user.state = entry.state;
    }
  }
  return [...users.values()].sort((a, b) => byName.compare(a.userName, b.userName) || byName.compare(a.userId, b.userId));
}
