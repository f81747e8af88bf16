/**
 * The recent messages of a stream (a chat room), with positions clients can resume from, as
 * Centrifugo's offset and epoch: `offset` orders entries within a stream, and `epoch` changes when
 * the stream's history is lost (a Redis restart), so a client knows its offset means nothing now.
 */
export interface HistoryEntry<T = unknown> {
  offset: string;
  message: T;
}

export interface HistoryPosition {
  epoch: string;
  offset: string;
}

export interface HistoryPage<T = unknown> {
  epoch: string;
  entries: HistoryEntry<T>[];
  /** False when the position could not be resumed (other epoch, or trimmed): these are the latest entries instead. */
  resumed: boolean;
}

export interface HistoryStore {
  append(stream: string, message: unknown): Promise<HistoryPosition>;
  /** The last `limit` entries, oldest first. */
  recent(stream: string, limit: number): Promise<HistoryPage>;
  /**
   * Everything after `position`, oldest first, when that is at most `limit` entries; otherwise
   * (further behind than one page, another epoch, trimmed) the latest `limit` with `resumed: false`.
   * An answer never holds more than `limit` entries.
   */
  since(stream: string, position: HistoryPosition, limit: number): Promise<HistoryPage>;
}
