import { jsonCopy } from "../core/json-copy";
import { type CreateOptions, type NewSession, newSessionRecord, type SessionRecord, type SessionStore } from "./session-store";

/** Sessions in a Map, for the embedded mode. Records expire; every read returns a copy. */
export class MemorySessionStore implements SessionStore {
  private readonly records = new Map<string, SessionRecord>();
  private readonly sweeper: NodeJS.Timeout;

  /** `records`: sessions to start with (a development server's, kept across restarts). */
  constructor(
    private readonly now: () => number = Date.now,
    records: readonly SessionRecord[] = [],
  ) {
    for (const record of records) if (record.expiresAt > now()) this.records.set(record.id, jsonCopy(record));
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  /** Every live session, copied: what a development server writes to disk. */
  snapshot(): SessionRecord[] {
    this.sweep();
    return [...this.records.values()].map(copyOf);
  }

  async create(session: NewSession, ttlMs: number, options?: CreateOptions): Promise<SessionRecord> {
    const record = newSessionRecord(session, ttlMs, this.now(), options);
    this.records.set(record.id, record);
    return copyOf(record);
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    const record = this.live(sessionId);
    return record ? copyOf(record) : null;
  }

  async confirm(sessionId: string): Promise<SessionRecord | null> {
    const record = this.live(sessionId);
    if (!record) return null;
    if (record.pendingTtlMs === undefined) return copyOf(record);
    // A new record rather than `delete record.pendingTtlMs`: a delete turns the object into a
    // hash table (about 450 bytes more per session kept, measured in a heap snapshot).
    const { pendingTtlMs, ...used } = record;
    const confirmed: SessionRecord = { ...used, expiresAt: this.now() + pendingTtlMs };
    this.records.set(sessionId, confirmed);
    return copyOf(confirmed);
  }

  async update(sessionId: string, patch: Record<string, unknown>): Promise<SessionRecord | null> {
    const record = this.live(sessionId);
    if (!record) return null;
    record.data = { ...record.data, ...jsonCopy(patch) };
    return copyOf(record);
  }

  async delete(sessionId: string): Promise<void> {
    this.records.delete(sessionId);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.records.clear();
  }

  private live(sessionId: string): SessionRecord | undefined {
    const record = this.records.get(sessionId);
    if (record && record.expiresAt <= this.now()) {
      this.records.delete(sessionId);
      return undefined;
    }
    return record;
  }

  private sweep() {
    for (const id of this.records.keys()) this.live(id);
  }
}

/**
 * A record as handed out: a new object with its own copy of `data`, the one mutable part. The
 * strings (id, user id and name) are the stored record's own: immutable, so shared safely, and
 * a gateway keeping them for each socket (its identity) holds no copies of its own.
 */
function copyOf(record: SessionRecord): SessionRecord {
  return { ...record, data: jsonCopy(record.data) };
}
