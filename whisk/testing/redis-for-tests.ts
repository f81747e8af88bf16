import { randomBytes } from "node:crypto";
import { Cluster, Redis } from "ioredis";
import { redactUrl } from "../server/redact-url";

export const TEST_REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export interface TestRedis<Connection extends Redis | Cluster = Redis> {
  redis: Connection;
  /** A key prefix of this test's own, so tests never touch other data. */
  prefix: string;
  /** Deletes the prefix's keys and closes the connection. */
  cleanup(): Promise<void>;
}

/**
 * A connection to the test Redis, and a key prefix of its own so tests never touch other data.
 * Fails with one clear line when no Redis answers.
 */
export async function connectTestRedis(): Promise<TestRedis> {
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
  const prefix = testPrefix();
  return {
    redis,
    prefix,
    async cleanup() {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    },
  };
}

/**
 * A connection to a Redis Cluster (its seed nodes, "host:port,...", as startRedisCluster gives
 * them), made as Whisk makes one (sharded pub/sub), with a key prefix of its own.
 */
export async function connectTestRedisCluster(nodes: string): Promise<TestRedis<Cluster>> {
  const seeds = nodes.split(",").map((node) => {
    const [host = "127.0.0.1", port = "6379"] = node.trim().split(":");
    return { host, port: Number(port) };
  });
  const redis = new Cluster(seeds, { lazyConnect: true, shardedSubscribers: true });
  redis.on("error", () => {}); // a failed connect says it below
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`These tests need the Redis Cluster at ${nodes}: ${(error as Error).message}`);
  }
  const prefix = testPrefix();
  return {
    redis,
    prefix,
    async cleanup() {
      // SCAN runs on one node: walk every master.
      await Promise.all(redis.nodes("master").map((node) => deleteKeys(node, prefix)));
      redis.disconnect();
    },
  };
}

function testPrefix(): string {
  return `whisk-test:${randomBytes(6).toString("hex")}:`;
}

/** SCAN, never KEYS: this is how anything in Whisk walks Redis. One key per DEL: on a cluster node each key may be in another slot. */
async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    cursor = next;
    if (keys.length) {
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.del(key);
      await pipeline.exec();
    }
  } while (cursor !== "0");
}
