import type { Cluster, Redis } from "ioredis";

/**
 * A connection to one Redis or to a Redis Cluster: every store, the bus and the queues take
 * either. Their keys carry hash tags (redis-keys.ts), so every multi-key command stays in one slot.
 */
export type RedisConnection = Redis | Cluster;

/** A private connection of the same kind, for subscribing or blocking reads. */
export function duplicateConnection(connection: RedisConnection): RedisConnection {
  return connection.isCluster ? (connection as Cluster).duplicate() : (connection as Redis).duplicate();
}
