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

/**
 * How much one stream keeps, beyond the store's own bound: at most `maxLength` entries (the
 * oldest go first), and nothing once `ttlMs` has passed without an append (the stream and its
 * epoch go: a per-user inbox of someone who left does not stay for ever).
 */
export interface StreamBounds {
  maxLength?: number;
  ttlMs?: number;
}

/** How long `appendOnce` remembers a name: longer than any client's retry or queue's redelivery waits. */
export const ONCE_WINDOW_MS = 10 * 60_000;

/** The longest name `appendOnce` takes, in characters (a user id and a client id fit many times over). */
export const MAX_ONCE_LENGTH = 256;

export interface HistoryStore {
  append(stream: string, message: unknown, bounds?: StreamBounds): Promise<HistoryPosition>;
  /**
   * As `append`, for a message named by `once` (its sender's id and its page's client id): a
   * second message of that name in the same stream within `ONCE_WINDOW_MS` is not kept, and
   * answers `null`. A client's retry, or a job queue's redelivery, is then kept once. Atomic: of
   * any number of concurrent calls with one name, exactly one keeps its message.
   */
  appendOnce(stream: string, message: unknown, once: string, bounds?: StreamBounds): Promise<HistoryPosition | null>;
  /** The last `limit` entries, oldest first. */
  recent(stream: string, limit: number): Promise<HistoryPage>;
  /**
   * Everything after `position`, oldest first, when that is at most `limit` entries; otherwise
   * (further behind than one page, another epoch, trimmed) the latest `limit` with `resumed: false`.
   * An answer never holds more than `limit` entries.
   */
  since(stream: string, position: HistoryPosition, limit: number): Promise<HistoryPage>;
}

/**
 * Orders two offsets of one stream and epoch: negative when `a` came first. Offsets are numbers
 * (`"12"`, the memory store's) or Redis stream ids (`"1733000000000-3"`), compared part by part.
 */
export function compareOffsets(a: string, b: string): number {
  const aParts = a.split("-").map(BigInt);
  const bParts = b.split("-").map(BigInt);
  for (let i = 0; i < Math.max(aParts.length, bParts.length); i++) {
    const difference = (aParts[i] ?? 0n) - (bParts[i] ?? 0n);
    if (difference !== 0n) return difference > 0n ? 1 : -1;
  }
  return 0;
}

/** Refuses a name `appendOnce` should not keep: empty, or longer than `MAX_ONCE_LENGTH`. */
export function checkOnceName(once: string): void {
  if (once.length === 0 || once.length > MAX_ONCE_LENGTH)
    throw new Error(`A message's once name is 1 to ${MAX_ONCE_LENGTH} characters (got ${once.length}).`);
}
