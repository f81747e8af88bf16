import type { Cluster, Redis } from "ioredis";
import { inject } from "vitest";
import { redisKeys } from "../core/redis-keys";
import { runHistoryStoreContract } from "../testing/contracts/history-store-contract";
import { connectTestRedis, connectTestRedisCluster, type TestRedis } from "../testing/redis-for-tests";
import { MemoryHistoryStore } from "./memory-history-store";
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
