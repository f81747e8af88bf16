import type { PresenceEntry, PresenceStore } from "./presence-store";

/** Presence in memory, for the embedded mode and for tests of several gateways in one process. */
export class MemoryPresenceStore implements PresenceStore {
  private readonly rooms = new Map<string, Map<string, { entry: PresenceEntry; expiresAt: number }>>();

  constructor(private readonly now: () => number = Date.now) {}

  async add(room: string, entry: PresenceEntry, ttlMs: number): Promise<void> {
    let entries = this.rooms.get(room);
    if (!entries) {
      entries = new Map();
      this.rooms.set(room, entries);
    }
    entries.set(entry.socketId, { entry: { ...entry }, expiresAt: this.now() + ttlMs });
  }

  async renew(room: string, entries: readonly PresenceEntry[], ttlMs: number): Promise<void> {
    for (const entry of entries) await this.add(room, entry, ttlMs);
  }

  async remove(room: string, socketId: string): Promise<void> {
    this.rooms.get(room)?.delete(socketId);
  }

  async list(room: string): Promise<PresenceEntry[]> {
    const now = this.now();
    return [...(this.rooms.get(room)?.values() ?? [])].filter((item) => item.expiresAt > now).map((item) => ({ ...item.entry }));
  }

  async sweep(): Promise<string[]> {
    const now = this.now();
    const changed: string[] = [];
    for (const [room, entries] of this.rooms) {
      for (const [socketId, item] of entries) {
        if (item.expiresAt > now) continue;
        entries.delete(socketId);
        if (!changed.includes(room)) changed.push(room);
      }
      if (entries.size === 0) this.rooms.delete(room);
    }
    return changed;
  }
}
