import { MemoryTransport } from "../bus/memory-transport";
import { RedisTransport } from "../bus/redis-transport";
import type { BusTransport } from "../bus/transport";
import type { HistoryStore } from "../history/history-store";
import { MemoryHistoryStore } from "../history/memory-history-store";
import { RedisHistoryStore } from "../history/redis-history-store";
import { MemoryPresenceStore } from "../presence/memory-presence-store";
import type { PresenceStore } from "../presence/presence-store";
import { RedisPresenceStore } from "../presence/redis-presence-store";
import { FileSessionStore } from "../session/file-session-store";
import { MemorySessionStore } from "../session/memory-session-store";
import { MemoryTokenStore } from "../session/memory-token-store";
import { RedisSessionStore } from "../session/redis-session-store";
import { RedisTokenStore } from "../session/redis-token-store";
import type { SessionStore } from "../session/session-store";
import type { TokenStore } from "../session/token-store";
import { type GatewayDirectory, RedisGatewayDirectory } from "./gateway-directory";
import type { Logger } from "./logger";
import { connectRedis, type RedisTarget } from "./redis-connect";

/** Where a process keeps what it shares: memory (one process) or Redis (any number). */
export interface Backend {
  mode: "memory" | "redis" | "redis-cluster";
  transport: BusTransport;
  tokens: TokenStore;
  sessions: SessionStore;
  presence: PresenceStore;
  history: HistoryStore;
  /** Live gateways and their URLs; only across processes. */
  directory?: GatewayDirectory;
  /** True when the shared state answers (Redis PING within a second, bus subscribed); always true in memory. */
  isHealthy(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Everything in this process's memory. With `sessionsFile` (the development server), sessions are
 * also kept in that file, so a restart signs nobody out.
 */
export function createMemoryBackend(log: Logger, options: { sessionsFile?: string } = {}): Backend {
  const transport = new MemoryTransport((error, envelope) => log.error({ err: error, topic: envelope.topic }, "job failed"));
  const tokens = new MemoryTokenStore();
  const sessions = options.sessionsFile ? new FileSessionStore(options.sessionsFile) : new MemorySessionStore();
  return {
    mode: "memory",
    transport,
    tokens,
    sessions,
    presence: new MemoryPresenceStore(),
    history: new MemoryHistoryStore(),
    isHealthy: async () => true,
    async close() {
      await Promise.all([transport.close(), tokens.close(), sessions.close()]);
    },
  };
}

/**
 * The Redis backend, on one Redis or a Redis Cluster: one command connection shared by the
 * stores, plus the transport's own subscriber and blocking connections. Waits for Redis at start,
 * so a misconfigured address fails fast with a clear message instead of a silent retry loop.
 */
export interface RedisBackendOptions {
  redis: RedisTarget;
  /** Starts every key and channel; DEFAULT_REDIS_PREFIX by default. */
  prefix?: string;
  /** This process's name in Redis (CLIENT LIST) and in the worker queues' consumer group. */
  consumerName: string;
  log: Logger;
  /** Worker-queue timings, for tests that cannot wait the defaults (see RedisTransport). */
  queues?: { claimIdleMs?: number; blockMs?: number };
}

export async function createRedisBackend(options: RedisBackendOptions): Promise<Backend> {
  const { log } = options;
  const redis = await connectRedis(options.redis, options.consumerName);
  redis.on("error", (error) => log.warn({ err: error.message }, "redis connection error"));
  const transport = new RedisTransport({
    redis,
    prefix: options.prefix,
    consumerName: options.consumerName,
    ...options.queues,
    onHandlerError: (error, envelope) => log.error({ err: error, topic: envelope.topic }, "job failed; kept in the dead-letter stream"),
    onMalformed: (where) => log.warn({ where }, "malformed message on the bus; dropped"),
    onConsumerError: (error, queue) => log.warn({ queue, err: String(error) }, "queue consumer retrying after a Redis error"),
  });
  return {
    mode: redis.isCluster ? "redis-cluster" : "redis",
    transport,
    tokens: new RedisTokenStore(redis, options.prefix),
    sessions: new RedisSessionStore(redis, options.prefix),
    presence: new RedisPresenceStore(redis, options.prefix),
    history: new RedisHistoryStore(redis, options.prefix),
    directory: new RedisGatewayDirectory(redis, options.prefix),
    async isHealthy() {
      const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), 1_000).unref());
      const ping = redis.ping().then(
        (answer) => answer === "PONG" && transport.isSubscribed(),
        () => false,
      );
      return Promise.race([ping, timeout]);
    },
    async close() {
      await transport.close();
      redis.disconnect();
    },
  };
}
