import { describe, expect, inject, it } from "vitest";
import { redisKeys } from "../core/redis-keys";
import { runSessionStoreContract } from "../testing/contracts/session-store-contract";
import { runTokenStoreContract } from "../testing/contracts/token-store-contract";
import { connectTestRedis, connectTestRedisCluster } from "../testing/redis-for-tests";
import { RedisSessionStore } from "./redis-session-store";
import { RedisTokenStore } from "./redis-token-store";

runTokenStoreContract("RedisTokenStore", async () => {
  const { redis, prefix, cleanup } = await connectTestRedis();
  return { store: new RedisTokenStore(redis, prefix), cleanup };
});
runSessionStoreContract("RedisSessionStore", async () => {
  const { redis, prefix, cleanup } = await connectTestRedis();
  return { store: new RedisSessionStore(redis, prefix), cleanup };
});
runTokenStoreContract("RedisTokenStore on a Redis Cluster", async () => {
  const { redis, prefix, cleanup } = await connectTestRedisCluster(inject("redisClusterNodes"));
  return { store: new RedisTokenStore(redis, prefix), cleanup };
});
runSessionStoreContract("RedisSessionStore on a Redis Cluster", async () => {
  const { redis, prefix, cleanup } = await connectTestRedisCluster(inject("redisClusterNodes"));
  return { store: new RedisSessionStore(redis, prefix), cleanup };
});

describe("RedisSessionStore: provisional sessions", () => {
  it("keeps a provisional session for untilUsedMs (key TTL too), and gives it the full TTL on confirm", async () => {
    const { redis, prefix, cleanup } = await connectTestRedis();
    const store = new RedisSessionStore(redis, prefix);
    try {
      const created = await store.create({ userId: "guest", userName: "1234" }, 3_600_000, { untilUsedMs: 60_000 });
      expect(created.pendingTtlMs).toBe(3_600_000);
      expect(await store.get(created.id)).toEqual(created);
      expect(await redis.pttl(redisKeys(prefix).session(created.id))).toBeLessThanOrEqual(60_000);
      const before = Date.now();
      const confirmed = await store.confirm(created.id);
      expect(confirmed).not.toHaveProperty("pendingTtlMs");
      expect(confirmed?.expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
      expect(await redis.pttl(redisKeys(prefix).session(created.id))).toBeGreaterThan(3_500_000);
      expect(await store.get(created.id)).toEqual(confirmed);
      expect(await store.confirm("gone")).toBeNull();
    } finally {
      await cleanup();
    }
  });
});
