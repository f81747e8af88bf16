import { randomBytes } from "node:crypto";
import { jsonCopy } from "../core/json-copy";
import {
  checkOnceName,
  type HistoryEntry,
  type HistoryPage,
  type HistoryPosition,
  type HistoryStore,
  ONCE_WINDOW_MS,
  type StreamBounds,
} from "./history-store";

interface Stream {
  epoch: string;
  next: number;
  entries: HistoryEntry[];
  /** Gone at this time (ms since the epoch) unless appended to again; none without a `ttlMs`. */
  expiresAt?: number;
}

/** Appends between two sweeps of expired streams: their memory is freed without a timer. */
const SWEEP_EVERY = 256;

/**
 * The most `appendOnce` names kept at once, every stream together (at most `MAX_ONCE_LENGTH`
 * characters each: a few megabytes). Past it the oldest are forgotten first, which only makes
 * a repeat of a message that old kept again.
 */
export const MAX_ONCE_NAMES = 20_000;

/** History in memory, for the embedded mode: each stream keeps its last `keep` entries. */
export class MemoryHistoryStore implements HistoryStore {
  private readonly streams = new Map<string, Stream>();
  private appends = 0;
  /** `stream NUL name` of each message `appendOnce` kept, to when it is forgotten; oldest first. */
  private readonly onceNames = new Map<string, number>();

  constructor(private readonly keep = 1_000) {}

  async append(stream: string, message: unknown, bounds: StreamBounds = {}): Promise<HistoryPosition> {
    if (++this.appends % SWEEP_EVERY === 0) this.sweep();
    const state = this.stream(stream);
    const offset = String(state.next++);
    state.entries.push({ offset, message: jsonCopy(message) });
    const keep = Math.min(bounds.maxLength ?? this.keep, this.keep);
    if (state.entries.length > keep) state.entries.splice(0, state.entries.length - keep);
    if (bounds.ttlMs !== undefined) state.expiresAt = Date.now() + bounds.ttlMs;
    return { epoch: state.epoch, offset };
  }

  async appendOnce(stream: string, message: unknown, once: string, bounds: StreamBounds = {}): Promise<HistoryPosition | null> {
    checkOnceName(once);
    const name = `${stream}\u0000${once}`;
    const now = Date.now();
    if ((this.onceNames.get(name) ?? 0) > now) return null;
    // Set anew, so the map stays in order of forgetting and the oldest go first.
    this.onceNames.delete(name);
    this.onceNames.set(name, now + ONCE_WINDOW_MS);
    for (const [oldest, until] of this.onceNames) {
      if (until > now && this.onceNames.size <= MAX_ONCE_NAMES) break;
      this.onceNames.delete(oldest);
    }
    return this.append(stream, message, bounds);
  }

  private sweep() {
    const now = Date.now();
    for (const [name, state] of this.streams) if (state.expiresAt !== undefined && state.expiresAt <= now) this.streams.delete(name);
  }

  async recent(stream: string, limit: number): Promise<HistoryPage> {
    const state = this.stream(stream);
    return { epoch: state.epoch, entries: jsonCopy(state.entries.slice(-limit)), resumed: false };
  }

  async since(stream: string, position: HistoryPosition, limit: number): Promise<HistoryPage> {
    const state = this.stream(stream);
    const after = Number(position.offset);
    const oldest = state.entries[0] ? Number(state.entries[0].offset) : state.next;
    // Resumable if the epoch matches and nothing after the position has been trimmed away.
    if (position.epoch !== state.epoch || !Number.isInteger(after) || after + 1 < oldest || after >= state.next) {
      return this.recent(stream, limit);
    }
    // Offsets are consecutive, so what follows `after` starts at a known index.
    const entries = state.entries.slice(after + 1 - oldest);
    // More than a page behind: an exact catch-up would be an unbounded answer, so the latest page.
    if (entries.length > limit) return this.recent(stream, limit);
    return { epoch: state.epoch, entries: jsonCopy(entries), resumed: true };
  }

  private stream(name: string): Stream {
    let state = this.streams.get(name);
    // Expired: gone, as in Redis; what comes next starts a new epoch.
    if (state?.expiresAt !== undefined && state.expiresAt <= Date.now()) state = undefined;
    if (!state) {
      state = { epoch: randomBytes(6).toString("hex"), next: 1, entries: [] };
      this.streams.set(name, state);
    }
    return state;
  }
}
