import { runHistoryStoreContract } from "../testing/contracts/history-store-contract";
import { connectTestRedis } from "../testing/redis-for-tests";
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
      append: (stream, message) => holder.store.append(stream, message),
      recent: (stream, limit) => holder.store.recent(stream, limit),
      since: (stream, position, limit) => holder.store.since(stream, position, limit),
    },
    cleanup: async () => {},
    loseEverything: async () => {
      store = new MemoryHistoryStore();
    },
  };
});

runHistoryStoreContract("RedisHistoryStore", async () => {
  const { redis, prefix, cleanup } = await connectTestRedis();
  return {
    store: new RedisHistoryStore(redis, prefix),
    cleanup,
    // What a Redis restart without persistence does to this prefix.
    loseEverything: async () => {
      await redis.del(`${prefix}history:room`, `${prefix}history-epoch:room`);
    },
  };
});
