import { runSessionStoreContract } from "../testing/contracts/session-store-contract";
import { runTokenStoreContract } from "../testing/contracts/token-store-contract";
import { connectTestRedis } from "../testing/redis-for-tests";
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
