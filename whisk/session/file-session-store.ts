import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { MemorySessionStore } from "./memory-session-store";
import type { CreateOptions, NewSession, SessionRecord, SessionStore } from "./session-store";

/** Writes wait this long, so a burst of changes (a page's sign-in and token) is one write. */
const WRITE_AFTER_MS = 200;

/**
 * For the development server only: sessions in memory, also kept in a JSON file, so restarting
 * `npm run dev` (after editing server code) signs nobody out. One process, no locking: scaled
 * deployments share sessions through Redis instead. The file holds session ids, as a cookie jar
 * does, so it is readable by its owner only.
 */
export class FileSessionStore implements SessionStore {
  private readonly memory: MemorySessionStore;
  private pendingWrite: NodeJS.Timeout | undefined;

  constructor(
    private readonly path: string,
    now: () => number = Date.now,
  ) {
    this.memory = new MemorySessionStore(now, readRecords(path));
  }

  async create(session: NewSession, ttlMs: number, options?: CreateOptions): Promise<SessionRecord> {
    return this.changed(await this.memory.create(session, ttlMs, options));
  }

  get(sessionId: string): Promise<SessionRecord | null> {
    return this.memory.get(sessionId);
  }

  async confirm(sessionId: string): Promise<SessionRecord | null> {
    return this.changed(await this.memory.confirm(sessionId));
  }

  async update(sessionId: string, patch: Record<string, unknown>): Promise<SessionRecord | null> {
    return this.changed(await this.memory.update(sessionId, patch));
  }

  async delete(sessionId: string): Promise<void> {
    await this.memory.delete(sessionId);
    this.changed(null);
  }

  /** Writes what is pending at once, then closes. */
  async close(): Promise<void> {
    if (this.pendingWrite) this.write();
    await this.memory.close();
  }

  private changed<T>(result: T): T {
    this.pendingWrite ??= setTimeout(() => this.write(), WRITE_AFTER_MS);
    return result;
  }

  private write() {
    clearTimeout(this.pendingWrite);
    this.pendingWrite = undefined;
    mkdirSync(dirname(this.path), { recursive: true });
    // A new file renamed over the old: a crash mid-write leaves the old one whole.
    const next = `${this.path}.next`;
    writeFileSync(next, JSON.stringify(this.memory.snapshot()), { mode: 0o600 });
    renameSync(next, this.path);
  }
}

/** The sessions a file holds; none when it is missing or unreadable (a fresh start, not a failure). */
function readRecords(path: string): SessionRecord[] {
  if (!existsSync(path)) return [];
  try {
    const records: unknown = JSON.parse(readFileSync(path, "utf8"));
    return Array.isArray(records) ? (records as SessionRecord[]) : [];
  } catch {
    return [];
  }
}
