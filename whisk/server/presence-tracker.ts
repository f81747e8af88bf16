import type { Bus } from "../bus/bus";
import { toRoom } from "../core/address";
import { PRESENCE_TOPIC, type PresenceUpdate } from "../core/protocol";
import { groupPresence, type PresenceEntry, type PresenceStore, type PresentUser } from "../presence/presence-store";
import type { Logger } from "./logger";
import { SnapshotSender } from "./snapshot-sender";

export interface PresenceTrackerOptions {
  store: PresenceStore;
  bus: Bus;
  log: Logger;
  /** An entry not refreshed for this long is gone (its gateway died). */
  ttlMs?: number;
  /** How often this gateway refreshes its sockets' entries and sweeps expired ones. */
  refreshMs?: number;
  /** Changes to one room within this window are announced together. */
  coalesceMs?: number;
}

/** Longest a room's people are kept for `recentUsersIn` callers, whatever age they accept. */
const RECENT_KEPT_MS = 5_000;

/** Entries renewed in one store write: a room of thousands here costs a few writes of bounded size. */
const RENEW_AT_ONCE = 500;

/** A socket of this gateway: its entry, its rooms, and the state it set in some of them (made on first use). */
interface LocalSocket {
  entry: PresenceEntry;
  rooms: Set<string>;
  states?: Map<string, { state: unknown; at: number }>;
}

/** What a room's next announcement carries: the users who changed, or everyone (after a sweep). */
type PendingAnnouncement = { timer: NodeJS.Timeout; changed: Map<string, string> | "everyone" };

/**
 * One gateway's part of presence: it records which of its sockets are in which rooms, keeps
 * those entries alive, sweeps entries other (dead) gateways left behind, and tells each room who
 * changed whenever someone joins or leaves.
 */
export class PresenceTracker {
  private readonly local = new Map<string, LocalSocket>();
  private readonly pending = new Map<string, PendingAnnouncement>();
  /** Rooms' people as last read, for callers that accept an answer of some age (`recentUsersIn`). */
  private readonly recent = new Map<string, { at: number; users: Promise<PresentUser[]> }>();
  /** Reads of rooms' people that callers of this turn share (`usersIn`). */
  private readonly reads = new Map<string, Promise<PresentUser[]>>();
  /** Sends joiners the room's people: one read and one emit for joiners that land together. */
  readonly snapshots = new SnapshotSender((room) => this.usersIn(room));
  private readonly timer: NodeJS.Timeout;
  private readonly stopHearing: () => void;
  private readonly ttlMs: number;

  constructor(private readonly options: PresenceTrackerOptions) {
    this.ttlMs = options.ttlMs ?? 6_000;
    this.timer = setInterval(() => void this.tick(), options.refreshMs ?? 2_000);
    this.timer.unref();
    // Another gateway's announcement of a room held here: someone came or went there.
    this.stopHearing = options.bus.onPublished((envelope) => {
      if (envelope.topic === PRESENCE_TOPIC) this.recent.delete((envelope.payload as Partial<PresenceUpdate>).room ?? "");
    });
  }

  /**
   * Makes the socket present in `room`; false if it left or closed meanwhile. Send the joiner the
   * room's people with `snapshots.send` after.
   */
  async join(entry: PresenceEntry, room: string): Promise<boolean> {
    const local = this.local.get(entry.socketId) ?? { entry, rooms: new Set<string>() };
    local.rooms.add(room);
    this.local.set(entry.socketId, local);
    await this.options.store.add(room, entry, this.ttlMs);
    // The socket left (or closed) while the entry was being written: take it out again.
    if (!this.local.get(entry.socketId)?.rooms.has(room)) {
      await this.options.store.remove(room, entry.socketId);
      return false;
    }
    this.scheduleAnnounce(room, entry);
    return true;
  }

  /**
   * Sets what the socket says about itself in `room` (typing, idle...), for everyone there on
   * every gateway; false if it is not in the room (or left meanwhile). Kept with its entry, so it
   * expires with it.
   */
  async setState(socketId: string, room: string, state: unknown): Promise<boolean> {
    const local = this.local.get(socketId);
    if (!local?.rooms.has(room)) return false;
    local.states ??= new Map();
    local.states.set(room, { state, at: Date.now() });
    await this.options.store.add(room, entryIn(local, room), this.ttlMs);
    if (!this.local.get(socketId)?.rooms.has(room)) {
      await this.options.store.remove(room, socketId);
      return false;
    }
    this.scheduleAnnounce(room, local.entry);
    return true;
  }

  async leave(socketId: string, room: string): Promise<void> {
    const local = this.local.get(socketId);
    if (!local?.rooms.delete(room)) return;
    local.states?.delete(room);
    await this.options.store.remove(room, socketId);
    this.scheduleAnnounce(room, local.entry);
  }

  async leaveAll(socketId: string): Promise<void> {
    const local = this.local.get(socketId);
    if (!local) return;
    this.local.delete(socketId);
    for (const room of local.rooms) {
      await this.options.store.remove(room, socketId);
      this.scheduleAnnounce(room, local.entry);
    }
  }

  /**
   * The room's people, read from the store. Callers within one turn of the event loop share one
   * read, started after that turn: it includes what each of them wrote before asking, as a read
   * of its own would, and a crowd entering a room of thousands (each `authorize` asking who is
   * there) costs one read a turn, not one per person. The answer is shared: read it, do not change it.
   */
  usersIn(room: string): Promise<PresentUser[]> {
    let read = this.reads.get(room);
    if (!read) {
      read = new Promise((resolve) => setImmediate(resolve))
        .then(() => {
          // From here on a caller gets a read of its own, which may see more than this one.
          this.reads.delete(room);
          return this.options.store.list(room);
        })
        .then(groupPresence);
      this.reads.set(room, read);
    }
    return read;
  }

  /**
   * The room's people as read at most `maxAgeMs` ago (one read shared by every caller meanwhile).
   * A join or leave through this gateway, or a room change announced by any, reads afresh.
   */
  recentUsersIn(room: string, maxAgeMs: number): Promise<PresentUser[]> {
    const kept = this.recent.get(room);
    if (kept && Date.now() - kept.at <= maxAgeMs) return kept.users;
    const users = this.usersIn(room);
    this.recent.set(room, { at: Date.now(), users });
    // A failed read is not kept: the next caller tries again.
    users.catch(() => this.recent.delete(room));
    return users;
  }

  roomsOf(socketId: string): string[] {
    return [...(this.local.get(socketId)?.rooms ?? [])];
  }

  /**
   * Announces a room's changes soon, once: a thousand people joining within `coalesceMs` cost one
   * message to the room, and that message names only them, not everyone already there.
   */
  private scheduleAnnounce(room: string, who: PresenceEntry | "everyone") {
    this.recent.delete(room);
    const pending = this.pending.get(room);
    if (pending) {
      if (who === "everyone") pending.changed = "everyone";
      else if (pending.changed !== "everyone") pending.changed.set(who.userId, who.userName);
      return;
    }
    const timer = setTimeout(() => {
      const due = this.pending.get(room);
      this.pending.delete(room);
      if (!due) return;
      this.announce(room, due.changed).catch((error) =>
        this.options.log.warn({ err: String(error), room }, "presence announcement failed"),
      );
    }, this.options.coalesceMs ?? 100);
    timer.unref();
    this.pending.set(room, { timer, changed: who === "everyone" ? "everyone" : new Map([[who.userId, who.userName]]) });
  }

  /**
   * Sends the room, on every gateway, the current count of each changed user (0 = gone), read
   * from the shared store so tabs on other gateways are counted too.
   */
  private async announce(room: string, changed: Map<string, string> | "everyone"): Promise<void> {
    const users = await this.usersIn(room);
    let update: PresenceUpdate;
    if (changed === "everyone") update = { room, kind: "snapshot", users };
    else {
      const now = new Map(users.map((user) => [user.userId, user]));
      const diff = [...changed].map(([userId, userName]) => now.get(userId) ?? { userId, userName, tabs: 0 });
      update = { room, kind: "diff", users: diff };
    }
    await this.options.bus.publishControl(PRESENCE_TOPIC, update, [toRoom(room)]);
  }

  /** Stops refreshing; with `leave`, also takes this gateway's sockets out of every room now. */
  async close(options: { leave: boolean }): Promise<void> {
    clearInterval(this.timer);
    this.stopHearing();
    if (options.leave) for (const socketId of [...this.local.keys()]) await this.leaveAll(socketId);
    // Announce what is pending now: this gateway is about to go.
    const due = [...this.pending];
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    for (const [room, { changed }] of due) await this.announce(room, changed).catch(() => {});
  }

  /** The entries of the sockets here, by room. */
  private entriesByRoom(): Map<string, PresenceEntry[]> {
    const byRoom = new Map<string, PresenceEntry[]>();
    for (const local of this.local.values()) {
      for (const room of local.rooms) {
        const entries = byRoom.get(room);
        if (entries) entries.push(entryIn(local, room));
        else byRoom.set(room, [entryIn(local, room)]);
      }
    }
    return byRoom;
  }

  private async tick() {
    // Answers kept for `recentUsersIn` are seconds old at most; rooms nobody asks about go.
    for (const [room, { at }] of this.recent) if (Date.now() - at > RECENT_KEPT_MS) this.recent.delete(room);
    try {
      for (const [room, entries] of this.entriesByRoom()) {
        for (let start = 0; start < entries.length; start += RENEW_AT_ONCE) {
          const renewed = entries.slice(start, start + RENEW_AT_ONCE);
          await this.options.store.renew(room, renewed, this.ttlMs);
          // Left while the write was under way: out again, or it would stay listed until it expires.
          for (const { socketId } of renewed) {
            if (!this.local.get(socketId)?.rooms.has(room)) await this.options.store.remove(room, socketId);
          }
        }
      }
      // A sweep does not say whose entries expired: resend those rooms whole.
      for (const room of await this.options.store.sweep()) this.scheduleAnnounce(room, "everyone");
    } catch (error) {
      this.options.log.warn({ err: String(error) }, "presence refresh failed; retrying on the next tick");
    }
  }
}

/** A socket's entry in `room`, with the state it set there, if any. */
function entryIn(local: LocalSocket, room: string): PresenceEntry {
  const state = local.states?.get(room);
  return state ? { ...local.entry, state: state.state, stateAt: state.at } : local.entry;
}
