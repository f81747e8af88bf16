import type { Cluster, Redis } from "ioredis";
import { describe, expect, inject, it } from "vitest";
import { redisKeys } from "../core/redis-keys";
import { runHistoryStoreContract } from "../testing/contracts/history-store-contract";
import { connectTestRedis, connectTestRedisCluster, type TestRedis } from "../testing/redis-for-tests";
import { MAX_ONCE_NAMES, MemoryHistoryStore } from "./memory-history-store";
import { RedisHistoryStore } from "./redis-history-store";

runHistoryStoreContract("MemoryHistoryStore", async () => {
  let store = new MemoryHistoryStore();
  const holder = {
    get store() {
      return store;
    },
  };
  return {
    // A new instance stands for a restarted process: everything, epochs included, is gone.
    store: {
      append: (stream, message, bounds) => holder.store.append(stream, message, bounds),
      appendOnce: (stream, message, once, bounds) => holder.store.appendOnce(stream, message, once, bounds),
      recent: (stream, limit) => holder.store.recent(stream, limit),
      since: (stream, position, limit) => holder.store.since(stream, position, limit),
    },
    cleanup: async () => {},
    loseEverything: async () => {
      store = new MemoryHistoryStore();
    },
  };
});

/** A Redis history store; losing everything is what a Redis restart without persistence does to this prefix. */
function onRedis({ redis, prefix, cleanup }: TestRedis<Redis | Cluster>) {
  const keys = redisKeys(prefix);
  return {
    store: new RedisHistoryStore(redis, prefix),
    cleanup,
    loseEverything: async () => {
      // One key at a time: on a cluster they share a slot anyway, but DEL of both is no test of that.
      await redis.del(keys.history("room"));
      await redis.del(keys.historyEpoch("room"));
    },
  };
}

runHistoryStoreContract("RedisHistoryStore", async () => onRedis(await connectTestRedis()));
runHistoryStoreContract("RedisHistoryStore on a Redis Cluster", async () =>
  onRedis(await connectTestRedisCluster(inject("redisClusterNodes"))),
);

describe("MemoryHistoryStore's once names", () => {
  it(`keeps at most ${MAX_ONCE_NAMES.toLocaleString("en")}: past that the oldest is forgotten, the newest still known`, async () => {
    const store = new MemoryHistoryStore(10);
    for (let i = 0; i <= MAX_ONCE_NAMES; i++) await store.appendOnce("room", { i }, `u1:${i}`);
    expect(await store.appendOnce("room", { i: MAX_ONCE_NAMES }, `u1:${MAX_ONCE_NAMES}`)).toBeNull();
    expect(await store.appendOnce("room", { i: 0 }, "u1:0")).not.toBeNull();
  });
});
