import { DEFAULT_REDIS_PREFIX } from "../core/defaults";
import type { RedisConnection } from "../core/redis-connection";
import { type RedisKeys, redisKeys } from "../core/redis-keys";
import { redisScript } from "../core/redis-script";
import { type CreateOptions, type NewSession, newSessionRecord, type SessionRecord, type SessionStore } from "./session-store";

const DATA_FIELD = "data:";

/** Writes the given fields only if the session still exists, then returns the whole hash. */
const updateIfExists = redisScript(`
if redis.call("EXISTS", KEYS[1]) == 0 then return nil end
redis.call("HSET", KEYS[1], unpack(ARGV))
return redis.call("HGETALL", KEYS[1])`);

/** A provisional session gets its full TTL (ARGV[1] is now, in ms); returns the whole hash. */
const confirmScript = redisScript(`
if redis.call("EXISTS", KEYS[1]) == 0 then return nil end
local pending = redis.call("HGET", KEYS[1], "pendingTtlMs")
if pending then
  local ttl = tonumber(pending)
  redis.call("HSET", KEYS[1], "expiresAt", tostring(tonumber(ARGV[1]) + ttl))
  redis.call("HDEL", KEYS[1], "pendingTtlMs")
  redis.call("PEXPIRE", KEYS[1], ttl)
end
return redis.call("HGETALL", KEYS[1])`);

/**
 * Sessions in Redis, one hash per session with a TTL. Each key of `data` is its own hash field,
 * so two processes updating different keys at once both land (no read-modify-write of a blob),
 * and nothing ever scans `KEYS`.
 */
export class RedisSessionStore implements SessionStore {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: RedisConnection,
    prefix = DEFAULT_REDIS_PREFIX,
  ) {
    this.keys = redisKeys(prefix);
  }

  async create(session: NewSession, ttlMs: number, options?: CreateOptions): Promise<SessionRecord> {
    const record = newSessionRecord(session, ttlMs, Date.now(), options);
    const key = this.key(record.id);
    await this.redis
      .multi()
      .hset(key, {
        kind: record.kind,
        userId: record.userId,
        userName: record.userName,
        createdAt: String(record.createdAt),
        expiresAt: String(record.expiresAt),
        ...(record.pendingTtlMs === undefined ? {} : { pendingTtlMs: String(record.pendingTtlMs) }),
        ...dataFields(record.data),
      })
      .pexpire(key, record.expiresAt - record.createdAt)
      .exec();
    return record;
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    return toRecord(sessionId, await this.redis.hgetall(this.key(sessionId)));
  }

  async update(sessionId: string, patch: Record<string, unknown>): Promise<SessionRecord | null> {
    const fields = Object.entries(dataFields(patch)).flat();
    if (fields.length === 0) return this.get(sessionId);
    const flat = (await updateIfExists(this.redis, [this.key(sessionId)], fields)) as string[] | null;
    return flat ? toRecord(sessionId, toHash(flat)) : null;
  }

  async confirm(sessionId: string): Promise<SessionRecord | null> {
    const flat = (await confirmScript(this.redis, [this.key(sessionId)], [String(Date.now())])) as string[] | null;
    return flat ? toRecord(sessionId, toHash(flat)) : null;
  }

  async delete(sessionId: string): Promise<void> {
    await this.redis.del(this.key(sessionId));
  }

  async close(): Promise<void> {}

  private key(sessionId: string) {
    return this.keys.session(sessionId);
  }
}

function dataFields(data: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [`${DATA_FIELD}${key}`, JSON.stringify(value ?? null)]));
}

function toHash(flat: string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) hash[flat[i] as string] = flat[i + 1] as string;
  return hash;
}

function toRecord(id: string, hash: Record<string, string>): SessionRecord | null {
  if (!hash.userId || hash.userName === undefined) return null;
  const expiresAt = Number(hash.expiresAt);
  // A hash without a valid expiry is no session (NaN would pass a `<=` test).
  if (!(expiresAt > Date.now())) return null;
  const data: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith(DATA_FIELD)) data[field.slice(DATA_FIELD.length)] = JSON.parse(value);
  }
  // A record without a kind (written before kinds existed) is a guest: never more access than shown.
  const kind = hash.kind === "member" ? "member" : "guest";
  const record: SessionRecord = {
    id,
    kind,
    userId: hash.userId,
    userName: hash.userName,
    createdAt: Number(hash.createdAt),
    expiresAt,
    data,
  };
  if (hash.pendingTtlMs !== undefined) record.pendingTtlMs = Number(hash.pendingTtlMs);
  return record;
}
