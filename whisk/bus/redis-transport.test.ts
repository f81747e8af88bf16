import { runTransportContract } from "../testing/contracts/transport-contract";
import { connectTestRedis } from "../testing/redis-for-tests";
import { RedisTransport } from "./redis-transport";

runTransportContract("RedisTransport", async () => {
  const { redis, prefix, cleanup } = await connectTestRedis();
  const a = new RedisTransport({ redis, prefix, consumerName: "a", blockMs: 200 });
  const b = new RedisTransport({ redis, prefix, consumerName: "b", blockMs: 200 });
  return { a, b, ready: async () => void (await Promise.all([a.ready(), b.ready()])), cleanup };
});
