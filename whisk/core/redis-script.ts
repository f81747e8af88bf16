import { createHash } from "node:crypto";
import type { RedisConnection } from "./redis-connection";

/**
 * A Lua script, run by its SHA-1: Redis is sent the script's text only when it has not seen it
 * yet (first use, a restart, a SCRIPT FLUSH), and learns it then.
 */
export function redisScript(source: string) {
  const sha = createHash("sha1").update(source).digest("hex");
  return async (redis: RedisConnection, keys: readonly string[], args: readonly string[]): Promise<unknown> => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith("NOSCRIPT"))) throw error;
      return redis.eval(source, keys.length, ...keys, ...args);
    }
  };
}
