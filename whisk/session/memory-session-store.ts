import { randomBytes } from "node:crypto";
import type { NewSession, SessionRecord, SessionStore } from "./session-store";

/** Sessions in a Map, for the embedded mode. Records expire; every read returns a copy. */
export class MemorySessionStore implements SessionStore {
  private readonly records = new Map<string, SessionRecord>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async create(session: NewSession, ttlMs: number): Promise<SessionRecord> {
    const createdAt = this.now();
    const record: SessionRecord = {
      id: randomBytes(18).toString("base64url"),
      userId: session.userId,
      userName: session.userName,
      createdAt,
      expiresAt: createdAt + ttlMs,
      data: structuredClone(session.data ?? {}),
    };
    this.records.set(record.id, record);
    return structuredClone(record);
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    const record = this.live(sessionId);
    return record ? structuredClone(record) : null;
  }

  async update(sessionId: string, patch: Record<string, unknown>): Promise<SessionRecord | null> {
    const record = this.live(sessionId);
    if (!record) return null;
    record.data = { ...record.data, ...structuredClone(patch) };
    return structuredClone(record);
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
