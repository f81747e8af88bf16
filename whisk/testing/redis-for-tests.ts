import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { redactUrl } from "../server/redact-url";

export const TEST_REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * A connection to the test Redis, and a key prefix of its own so tests never touch other data.
 * Fails with one clear line when no Redis answers.
 */
export async function connectTestRedis(): Promise<{ redis: Redis; prefix: string; cleanup(): Promise<void> }> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    redis.disconnect();
    throw new Error(
      `These tests need Redis at ${redactUrl(TEST_REDIS_URL)}: start one with \`redis-server --daemonize yes --save ""\`, or set REDIS_URL.`,
    );
  }
  const prefix = `whisk-test:${randomBytes(6).toString("hex")}:`;
  return {
    redis,
    prefix,
    async cleanup() {
      // SCAN, never KEYS: this is how anything in Whisk walks Redis.
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== "0");
      redis.disconnect();
    },
  };
}
