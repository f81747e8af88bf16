import { DEFAULT_REDIS_PREFIX } from "../core/defaults";
import type { RedisConnection } from "../core/redis-connection";
import { type RedisKeys, redisKeys } from "../core/redis-keys";
import { redisScript } from "../core/redis-script";
import type { PresenceEntry, PresenceStore } from "./presence-store";

/**
 * Removes a room's expired entries; returns how many it removed (one caller wins each entry) and
 * how many are left. Both keys share the room's hash tag, so this runs on a Redis Cluster too.
 */
const sweepRoom = redisScript(`
local removed = redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", ARGV[1])
if removed > 0 then
  for _, socketId in ipairs(redis.call("HKEYS", KEYS[2])) do
    if redis.call("ZSCORE", KEYS[1], socketId) == false then redis.call("HDEL", KEYS[2], socketId) end
  end
end
return {removed, redis.call("ZCARD", KEYS[1])}`);

/**
 * Presence in Redis: per room, a sorted set of socket ids scored by expiry and a hash of their
 * entries, plus a set of rooms that have any (so sweeping never scans keys). That set lives in
 * another Redis Cluster slot than the rooms' keys, so it is never in the same command as them:
 * `add` writes the room's keys before naming the room in it, and a sweep that takes an emptied
 * room out looks again and puts it back if someone came in meanwhile.
 */
export class RedisPresenceStore implements PresenceStore {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: RedisConnection,
    prefix = DEFAULT_REDIS_PREFIX,
  ) {
    this.keys = redisKeys(prefix);
  }

  async add(room: string, entry: PresenceEntry, ttlMs: number): Promise<void> {
    await this.renew(room, [entry], ttlMs);
  }

  async renew(room: string, entries: readonly PresenceEntry[], ttlMs: number): Promise<void> {
    if (entries.length === 0) return;
    const expiresAt = Date.now() + ttlMs;
    await this.redis
      .multi()
      .zadd(this.expiries(room), ...entries.flatMap((entry) => [expiresAt, entry.socketId]))
      .hset(this.entries(room), ...entries.flatMap((entry) => [entry.socketId, JSON.stringify(entry)]))
      .exec();
    await this.redis.sadd(this.roomsKey(), room);
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
      const [removed, left] = (await sweepRoom(this.redis, [this.expiries(room), this.entries(room)], [String(Date.now())])) as [
        number,
        number,
      ];
      if (removed > 0) changed.push(room);
      if (left === 0) await this.forgetIfEmpty(room);
    }
    return changed;
  }

  /**
   * Takes an empty room out of the set of rooms with anyone present. An `add` between the sweep's
   * count and this SREM has written its entry before its SADD: either its SADD comes after the
   * SREM, or the second count below sees its entry and the room goes back in.
   */
  private async forgetIfEmpty(room: string): Promise<void> {
    await this.redis.srem(this.roomsKey(), room);
    if ((await this.redis.zcard(this.expiries(room))) > 0) await this.redis.sadd(this.roomsKey(), room);
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
