import type { Redis } from "ioredis";
import { DEFAULT_REDIS_PREFIX } from "../core/defaults";
import { type RedisKeys, redisKeys } from "../core/redis-keys";
import type { PresenceEntry, PresenceStore } from "./presence-store";

/** Removes a room's expired entries; returns how many it removed (one caller wins each entry). */
const SWEEP_ROOM = `
local removed = redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", ARGV[1])
if removed > 0 then
  for _, socketId in ipairs(redis.call("HKEYS", KEYS[2])) do
    if redis.call("ZSCORE", KEYS[1], socketId) == false then redis.call("HDEL", KEYS[2], socketId) end
  end
end
if redis.call("ZCARD", KEYS[1]) == 0 then redis.call("SREM", KEYS[3], ARGV[2]) end
return removed`;

/**
 * Presence in Redis: per room, a sorted set of socket ids scored by expiry and a hash of their
 * entries, plus a set of rooms that have any (so sweeping never scans keys).
 */
export class RedisPresenceStore implements PresenceStore {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: Redis,
    prefix = DEFAULT_REDIS_PREFIX,
  ) {
    this.keys = redisKeys(prefix);
  }

  async add(room: string, entry: PresenceEntry, ttlMs: number): Promise<void> {
    await this.redis
      .multi()
      .zadd(this.expiries(room), Date.now() + ttlMs, entry.socketId)
      .hset(this.entries(room), entry.socketId, JSON.stringify(entry))
      .sadd(this.roomsKey(), room)
      .exec();
  }

  async remove(room: string, socketId: string): Promise<void> {
    await this.redis.multi().zrem(this.expiries(room), socketId).hdel(this.entries(room), socketId).exec();
  }

  async list(room: string): Promise<PresenceEntry[]> {
    const live = await this.redis.zrangebyscore(this.expiries(room), Date.now(), "+inf");
    if (live.length === 0) return [];
    const values = await this.redis.hmget(this.entries(room), ...live);
    return values.flatMap((value) => (value ? [JSON.parse(value) as PresenceEntry] : []));
  }

  async sweep(): Promise<string[]> {
    const rooms = await this.redis.smembers(this.roomsKey());
    const changed: string[] = [];
    for (const room of rooms) {
      const removed = (await this.redis.eval(
        SWEEP_ROOM,
        3,
        this.expiries(room),
        this.entries(room),
        this.roomsKey(),
        Date.now(),
        room,
      )) as number;
      if (removed > 0) changed.push(room);
    }
    return changed;
  }

  private expiries(room: string) {
    return this.keys.presenceExpiries(room);
  }

  private entries(room: string) {
    return this.keys.presenceEntries(room);
  }

  private roomsKey() {
    return this.keys.presenceRooms;
  }
}
