/**
 * A token bucket, as a pure function over a small state: `capacity` events at once, refilled at
 * `perSecond`. The gateway keeps one per socket to rate-limit events.
 */
export interface BucketState {
  tokens: number;
  updatedAt: number;
}

export interface BucketConfig {
  capacity: number;
  perSecond: number;
}

export function fullBucket(config: BucketConfig, now: number): BucketState {
  return { tokens: config.capacity, updatedAt: now };
}

/** Takes `cost` tokens (one by default) if there are as many; returns whether it was allowed and the new state. */
export function takeToken(state: BucketState, config: BucketConfig, now: number, cost = 1): { allowed: boolean; state: BucketState } {
  const elapsed = Math.max(0, now - state.updatedAt) / 1000;
  const tokens = Math.min(config.capacity, state.tokens + elapsed * config.perSecond);
  if (tokens < cost) return { allowed: false, state: { tokens, updatedAt: now } };
  return { allowed: true, state: { tokens: tokens - cost, updatedAt: now } };
}
