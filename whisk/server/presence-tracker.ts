import type { Bus } from "../bus/bus";
import { toRoom } from "../core/address";
import { PRESENCE_TOPIC, type PresenceUpdate } from "../core/protocol";
import { groupPresence, type PresenceEntry, type PresenceStore } from "../presence/presence-store";
import type { Logger } from "./logger";

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

/**
 * One gateway's part of presence: it records which of its sockets are in which rooms, keeps
 * those entries alive, sweeps entries other (dead) gateways left behind, and tells each room who
 * is in it whenever that changes.
 */
export class PresenceTracker {
  private readonly local = new Map<string, { entry: PresenceEntry; rooms: Set<string> }>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly timer: NodeJS.Timeout;
  private readonly ttlMs: number;

  constructor(private readonly options: PresenceTrackerOptions) {
    this.ttlMs = options.ttlMs ?? 6_000;
    this.timer = setInterval(() => void this.tick(), options.refreshMs ?? 2_000);
    this.timer.unref();
  }

  async join(entry: PresenceEntry, room: string): Promise<void> {
    const local = this.local.get(entry.socketId) ?? { entry, rooms: new Set<string>() };
    local.rooms.add(room);
    this.local.set(entry.socketId, local);
    await this.options.store.add(room, entry, this.ttlMs);
    this.scheduleAnnounce(room);
  }

  async leave(socketId: string, room: string): Promise<void> {
    const local = this.local.get(socketId);
    if (!local?.rooms.delete(room)) return;
    await this.options.store.remove(room, socketId);
    this.scheduleAnnounce(room);
  }

  async leaveAll(socketId: string): Promise<void> {
    const local = this.local.get(socketId);
    this.local.delete(socketId);
    for (const room of local?.rooms ?? []) {
      await this.options.store.remove(room, socketId);
      this.scheduleAnnounce(room);
    }
  }

  async usersIn(room: string) {
    return groupPresence(await this.options.store.list(room));
  }

  roomsOf(socketId: string): string[] {
    return [...(this.local.get(socketId)?.rooms ?? [])];
  }

  /**
   * Announces a room's presence soon, once: a thousand people joining within `coalesceMs` cost
   * one message to the room instead of a thousand (each to everyone: quadratic).
   */
  private scheduleAnnounce(room: string) {
    if (this.pending.has(room)) return;
    const timer = setTimeout(() => {
      this.pending.delete(room);
      this.announce(room).catch((error) => this.options.log.warn({ err: String(error), room }, "presence announcement failed"));
    }, this.options.coalesceMs ?? 100);
    timer.unref();
    this.pending.set(room, timer);
  }

  /** Everyone in the room, counted per user, sent to the room's sockets on every gateway. */
  async announce(room: string): Promise<void> {
    const update: PresenceUpdate = { room, users: await this.usersIn(room) };
    await this.options.bus.publishControl(PRESENCE_TOPIC, update, [toRoom(room)]);
  }

  /** Stops refreshing; with `leave`, also takes this gateway's sockets out of every room now. */
  async close(options: { leave: boolean }): Promise<void> {
    clearInterval(this.timer);
    if (options.leave) for (const socketId of [...this.local.keys()]) await this.leaveAll(socketId);
    // Announce what is pending now: this gateway is about to go.
    const rooms = [...this.pending.keys()];
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    for (const room of rooms) await this.announce(room).catch(() => {});
  }

  private async tick() {
    try {
      for (const { entry, rooms } of this.local.values()) {
        for (const room of rooms) await this.options.store.add(room, entry, this.ttlMs);
      }
      for (const room of await this.options.store.sweep()) this.scheduleAnnounce(room);
    } catch (error) {
      this.options.log.warn({ err: String(error) }, "presence refresh failed; retrying on the next tick");
    }
  }
}
