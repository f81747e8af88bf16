/**
 * Room history with resumable positions (offset + epoch), in memory or in Redis Streams.
 *
 * @example
 * const position = await history.append("room:beach", message);
 * const page = await history.since("room:beach", lastSeen, 50); // page.resumed: exact catch-up
 */

export { historyPositionSchema } from "./history-position-schema";
export {
  compareOffsets,
  type HistoryEntry,
  type HistoryPage,
  type HistoryPosition,
  type HistoryStore,
  type StreamBounds,
} from "./history-store";
export { MemoryHistoryStore } from "./memory-history-store";
export { RedisHistoryStore } from "./redis-history-store";
