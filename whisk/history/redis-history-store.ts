import { randomBytes } from "node:crypto";
import { DEFAULT_REDIS_PREFIX } from "../core/defaults";
import type { RedisConnection } from "../core/redis-connection";
import { type RedisKeys, redisKeys } from "../core/redis-keys";
import { redisScript } from "../core/redis-script";
import {
  checkOnceName,
  compareOffsets,
  type HistoryEntry,
  type HistoryPage,
  type HistoryPosition,
  type HistoryStore,
  ONCE_WINDOW_MS,
  type StreamBounds,
} from "./history-store";

type StreamEntry = [id: string, fields: string[]];

/**
 * `appendOnce` in one step: the message's name is taken (or it was: nothing more), then the
 * epoch, the entry and the expiries as `append` writes them. A script, so a process that dies
 * halfway cannot leave a name taken with no message kept (its retry would then keep nothing).
 * KEYS: stream, epoch, name. ARGV: fresh epoch, name's window (ms), trim (`~` or `=`), max
 * length, the message, the stream's ttl (ms, or empty).
 */
const appendOnceScript = redisScript(`if not redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[2]) then return false end
local epoch = redis.call('SET', KEYS[2], ARGV[1], 'NX', 'GET')
local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[3], ARGV[4], '*', 'm', ARGV[5])
if ARGV[6] ~= '' then
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
  redis.call('PEXPIRE', KEYS[2], ARGV[6])
end
return { epoch or ARGV[1], id }`);

/**
 * History in Redis Streams: one stream per room, trimmed to about `keep` entries, offsets are the
 * stream ids. The epoch lives beside the stream; if Redis loses both, a new epoch tells clients
 * to start again instead of trusting an old offset.
 */
export class RedisHistoryStore implements HistoryStore {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: RedisConnection,
    prefix = DEFAULT_REDIS_PREFIX,
    private readonly keep = 1_000,
  ) {
    this.keys = redisKeys(prefix);
  }

  async append(stream: string, message: unknown, bounds: StreamBounds = {}): Promise<HistoryPosition> {
    const payload = JSON.stringify(message);
    if (bounds.maxLength === undefined && bounds.ttlMs === undefined) {
      const epoch = await this.epoch(stream);
      const offset = (await this.redis.xadd(this.key(stream), "MAXLEN", "~", String(this.keep), "*", "m", payload)) as string;
      return { epoch, offset };
    }
    // A stream of its own bounds (a small inbox), in one round trip: its epoch, the entry (trimmed
    // exactly), and its expiry pushed back on the stream and its epoch alike (one slot: the keys'
    // hash tag is the stream's).
    const fresh = randomBytes(6).toString("hex");
    const maxLength = Math.min(bounds.maxLength ?? this.keep, this.keep);
    const write = this.redis
      .multi()
      .call("SET", [this.keys.historyEpoch(stream), fresh, "NX", "GET"])
      .xadd(this.key(stream), "MAXLEN", String(maxLength), "*", "m", payload);
    if (bounds.ttlMs !== undefined) write.pexpire(this.key(stream), bounds.ttlMs).pexpire(this.keys.historyEpoch(stream), bounds.ttlMs);
    const [epochRead, added] = (await write.exec()) ?? [];
    const failure = epochRead?.[0] ?? added?.[0] ?? (added ? null : new Error("the history write was discarded"));
    if (failure) throw failure;
    return { epoch: (epochRead?.[1] as string | null) ?? fresh, offset: added?.[1] as string };
  }

  async appendOnce(stream: string, message: unknown, once: string, bounds: StreamBounds = {}): Promise<HistoryPosition | null> {
    checkOnceName(once);
    const exact = bounds.maxLength !== undefined || bounds.ttlMs !== undefined;
    const keys = [this.key(stream), this.keys.historyEpoch(stream), this.keys.historyOnce(stream, once)];
    const args = [
      randomBytes(6).toString("hex"),
      String(ONCE_WINDOW_MS),
      exact ? "=" : "~",
      String(Math.min(bounds.maxLength ?? this.keep, this.keep)),
      JSON.stringify(message),
      bounds.ttlMs === undefined ? "" : String(bounds.ttlMs),
    ];
    const kept = (await appendOnceScript(this.redis, keys, args)) as [epoch: string, offset: string] | null;
    return kept ? { epoch: kept[0], offset: kept[1] } : null;
  }

  async recent(stream: string, limit: number): Promise<HistoryPage> {
    const epoch = await this.epoch(stream);
    const newestFirst = (await this.redis.xrevrange(this.key(stream), "+", "-", "COUNT", limit)) as StreamEntry[];
    return { epoch, entries: newestFirst.reverse().map(toEntry), resumed: false };
  }

  async since(stream: string, position: HistoryPosition, limit: number): Promise<HistoryPage> {
    const epoch = await this.epoch(stream);
    if (position.epoch !== epoch || !/^\d+-\d+$/.test(position.offset)) return this.recent(stream, limit);
    // One read of the newest page and one more entry: if more than `limit` entries follow the
    // position, the client is further behind than one answer may carry, and gets the latest page.
    const newestFirst = (await this.redis.xrevrange(this.key(stream), "+", "-", "COUNT", limit + 1)) as StreamEntry[];
    const after = newestFirst.filter(([id]) => compareOffsets(id, position.offset) > 0);
    // More than a page follows the position; or every entry of a stream shorter than a page
    // follows it, so the position's own entry was trimmed away and what came between may be too.
    if (after.length > limit || (after.length > 0 && after.length === newestFirst.length)) {
      return { epoch, entries: newestFirst.slice(0, limit).reverse().map(toEntry), resumed: false };
    }
    return { epoch, entries: after.reverse().map(toEntry), resumed: true };
  }

  /** The stream's epoch, made on first use: one round trip (SET NX GET answers the value kept). */
  private async epoch(stream: string): Promise<string> {
    const fresh = randomBytes(6).toString("hex");
    const kept = (await this.redis.call("SET", this.keys.historyEpoch(stream), fresh, "NX", "GET")) as string | null;
    return kept ?? fresh;
  }

  private key(stream: string) {
    return this.keys.history(stream);
  }
}

function toEntry([offset, fields]: StreamEntry): HistoryEntry {
  return { offset, message: JSON.parse(fields[1] ?? "null") };
}
