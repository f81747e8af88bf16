import { Cluster, Redis } from "ioredis";
import type { RedisConnection } from "../core/redis-connection";
import { redactUrl } from "./redact-url";

/** Where the shared state lives: one Redis (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES). */
export type RedisTarget = { url: string } | { clusterNodes: string[] };

/** Reconnect within a second of Redis returning (duplicated connections inherit this); a cluster reconnects its nodes itself. */
const retryWithinASecond = (times: number) => Math.min(times * 100, 1_000);
/** A cluster whose nodes never answer fails the start instead of retrying in silence. */
const CLUSTER_CONNECT_TIMEOUT_MS = 10_000;

/** The setting and its value, password masked, for messages and logs. */
export function describeRedisTarget(target: RedisTarget): string {
  if ("url" in target) return `REDIS_URL (${redactUrl(target.url)})`;
  return `REDIS_CLUSTER_NODES (${target.clusterNodes.map((node) => redactUrl(asUrl(node))).join(", ")})`;
}

/**
 * A connected, answering connection to the target, named `connectionName` (CLIENT LIST). Fails
 * fast with a sentence naming the setting, so a wrong address is no silent retry loop.
 */
export async function connectRedis(target: RedisTarget, connectionName: string): Promise<RedisConnection> {
  const connection = "url" in target ? connectOne(target.url, connectionName) : connectCluster(target.clusterNodes, connectionName);
  // Until the caller listens: a connection error is reported by the failed start below.
  connection.on("error", () => {});
  try {
    await withTimeout(connection.connect(), CLUSTER_CONNECT_TIMEOUT_MS);
    await connection.ping();
    return connection;
  } catch (error) {
    connection.disconnect();
    throw new Error(`Cannot reach Redis at ${describeRedisTarget(target)}: ${(error as Error).message}`);
  }
}

function connectOne(url: string, connectionName: string): Redis {
  return new Redis(url, { lazyConnect: true, connectionName, retryStrategy: retryWithinASecond });
}

/**
 * A Redis Cluster client with sharded pub/sub. The nodes are seeds (the client learns the rest);
 * a cluster has one password, so the first node's credentials and TLS apply to every node.
 */
function connectCluster(nodes: string[], connectionName: string): Cluster {
  const seeds = nodes.map((node) => new URL(asUrl(node)));
  const first = seeds[0];
  if (!first) throw new Error("REDIS_CLUSTER_NODES names no node");
  return new Cluster(
    seeds.map((seed) => ({ host: seed.hostname, port: Number(seed.port || 6379) })),
    {
      lazyConnect: true,
      shardedSubscribers: true,
      clusterRetryStrategy: retryWithinASecond,
      redisOptions: {
        connectionName,
        username: decodeURIComponent(first.username) || undefined,
        password: decodeURIComponent(first.password) || undefined,
        tls: first.protocol === "rediss:" ? {} : undefined,
      },
    },
  );
}

/** "host:port" as a URL; a full redis:// or rediss:// URL as it is. */
function asUrl(node: string): string {
  return /^rediss?:\/\//.test(node) ? node : `redis://${node}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
