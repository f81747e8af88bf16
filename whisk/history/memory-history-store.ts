import { randomBytes } from "node:crypto";
import type { HistoryEntry, HistoryPage, HistoryPosition, HistoryStore } from "./history-store";

interface Stream {
  epoch: string;
  next: number;
  entries: HistoryEntry[];
}

/** History in memory, for the embedded mode: each stream keeps its last `keep` entries. */
export class MemoryHistoryStore implements HistoryStore {
  private readonly streams = new Map<string, Stream>();

  constructor(private readonly keep = 1_000) {}

  async append(stream: string, message: unknown): Promise<HistoryPosition> {
    const state = this.stream(stream);
    const offset = String(state.next++);
    state.entries.push({ offset, message: structuredClone(message) });
    if (state.entries.length > this.keep) state.entries.splice(0, state.entries.length - this.keep);
    return { epoch: state.epoch, offset };
  }

  async recent(stream: string, limit: number): Promise<HistoryPage> {
    const state = this.stream(stream);
    return { epoch: state.epoch, entries: structuredClone(state.entries.slice(-limit)), resumed: false };
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
    return { epoch: state.epoch, entries: structuredClone(entries), resumed: true };
  }

  private stream(name: string): Stream {
    let state = this.streams.get(name);
    if (!state) {
      state = { epoch: randomBytes(6).toString("hex"), next: 1, entries: [] };
      this.streams.set(name, state);
    }
    return state;
  }
}
