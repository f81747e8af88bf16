import { DEFAULT_REDIS_PREFIX } from "./defaults";

/**
 * Every Redis key and channel Whisk uses, in one place. All start with the app's prefix, so
 * several apps (or test runs) share one Redis; reading this list is how to find what Whisk keeps.
 *
 * Keys used together (in one MULTI or script) share a hash tag, the part in braces: a Redis
 * Cluster puts them in one slot. A tag starts with a word (`{presence:...}`), so it is never
 * empty whatever the room's name, and the prefix may hold no brace, or it would be the tag.
 */
export function redisKeys(prefix = DEFAULT_REDIS_PREFIX) {
  if (/[{}]/.test(prefix)) throw new Error(`The Redis prefix may not contain { or } (they make Redis Cluster hash tags): ${prefix}`);
  return {
    /** The pub/sub channel of envelopes for everyone: every process that listens gets them. */
    busEveryone: `${prefix}bus:everyone`,
    /** A process's own channel: envelopes addressed to that node (replies, drains). */
    busNode: (nodeId: string) => `${prefix}bus:node:${nodeId}`,
    /** One of the channels users, sessions, sockets and rooms hash to; a gateway listens to a slot while it holds one of them. */
    busSlot: (slot: number) => `${prefix}bus:slot:${slot}`,
    /** The consumer group of every worker queue. */
    workerGroup: `${prefix}workers`,
    /** A worker queue's stream. */
    queue: (name: string) => `${prefix}{queue:${name}}`,
    /** Jobs whose handler threw, kept for a person to look at. */
    deadLetters: (name: string) => `${prefix}{queue:${name}}:dead`,
    /** A session's hash (user, kind, data), expiring with the session. */
    session: (sessionId: string) => `${prefix}session:${sessionId}`,
    /** A ws_token's binding, under the SHA-256 of the token so reading Redis yields no usable token. */
    token: (tokenHash: string) => `${prefix}token:${tokenHash}`,
    /** A room's message stream, and the epoch that tells clients whether its offsets still hold. */
    history: (stream: string) => `${prefix}{history:${stream}}`,
    historyEpoch: (stream: string) => `${prefix}{history:${stream}}:epoch`,
    /** A message name `appendOnce` kept in a room's stream, expiring when a repeat may be kept again. */
    historyOnce: (stream: string, name: string) => `${prefix}{history:${stream}}:once:${name}`,
    /** A room's present sockets: a sorted set by expiry and a hash of their entries. */
    presenceExpiries: (room: string) => `${prefix}{presence:${room}}:expiries`,
    presenceEntries: (room: string) => `${prefix}{presence:${room}}:entries`,
    /** Rooms that have anyone present, so sweeping never scans keys. */
    presenceRooms: `${prefix}presence-rooms`,
    /** Live gateways scored by last announcement, their URLs, and the round-robin counter. */
    gateways: `${prefix}{gateways}`,
    gatewayUrls: `${prefix}{gateways}:urls`,
    gatewayTurn: `${prefix}{gateways}:turn`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
