import { DEFAULT_REDIS_PREFIX } from "../core/defaults";
import type { RedisConnection } from "../core/redis-connection";
import { type RedisKeys, redisKeys } from "../core/redis-keys";

export interface LiveGateway {
  nodeId: string;
  url: string;
}

/**
 * Which gateways are alive and where pages should connect to them: the original Whisk's web node
 * pre-selecting a ws node, without a static list. Each gateway announces itself every second
 * (`keepAnnouncing`); one that stops announcing (killed, cut off) drops out within
 * `staleAfterMs` (3 s).
 */
export interface GatewayDirectory {
  announce(gateway: LiveGateway): Promise<void>;
  withdraw(nodeId: string): Promise<void>;
  live(): Promise<LiveGateway[]>;
  /** The URL for the next page to connect to (round-robin over live gateways), if any. */
  pick(): Promise<string | undefined>;
}

/** A directory in Redis: a sorted set of node ids scored by last announcement, and a hash of URLs. */
export class RedisGatewayDirectory implements GatewayDirectory {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: RedisConnection,
    prefix = DEFAULT_REDIS_PREFIX,
    private readonly staleAfterMs = 3_000,
  ) {
    this.keys = redisKeys(prefix);
  }

  async announce(gateway: LiveGateway): Promise<void> {
    await this.redis
      .multi()
      .zadd(this.keys.gateways, Date.now(), gateway.nodeId)
      .hset(this.keys.gatewayUrls, gateway.nodeId, gateway.url)
      .exec();
  }

  async withdraw(nodeId: string): Promise<void> {
    await this.redis.multi().zrem(this.keys.gateways, nodeId).hdel(this.keys.gatewayUrls, nodeId).exec();
  }

  async live(): Promise<LiveGateway[]> {
    const ids = await this.redis.zrangebyscore(this.keys.gateways, Date.now() - this.staleAfterMs, "+inf");
    if (ids.length === 0) return [];
    const urls = await this.redis.hmget(this.keys.gatewayUrls, ...ids);
    return ids
      .flatMap((nodeId, i) => (urls[i] ? [{ nodeId, url: urls[i] as string }] : []))
      .sort((a, b) => a.nodeId.localeCompare(b.nodeId));
  }

  async pick(): Promise<string | undefined> {
    const live = await this.live();
    if (live.length === 0) return undefined;
    const turn = await this.redis.incr(this.keys.gatewayTurn);
    return live[turn % live.length]?.url;
  }
}

/** Keeps announcing a gateway until stopped; stopping withdraws it at once. */
export function keepAnnouncing(directory: GatewayDirectory, gateway: LiveGateway, everyMs = 1_000, onError?: (error: unknown) => void) {
  const announce = () => directory.announce(gateway).catch((error) => onError?.(error));
  void announce();
  const timer = setInterval(announce, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await directory.withdraw(gateway.nodeId).catch((error) => onError?.(error));
  };
}
