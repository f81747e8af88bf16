import { limitKey } from "./client-address";
import { type BucketConfig, type BucketState, fullBucket, takeToken } from "./token-bucket";

/**
 * A token bucket per client address (handshakes, token requests), in a map that cannot grow
 * without bound: past `maxAddresses` the least recently seen address is forgotten (it starts
 * again with a full bucket, which only ever errs on the side of letting someone in).
 * `perSecond: 0` turns the limit off (a benchmark's load comes from one address).
 */
export class AddressRateLimit {
  private readonly buckets = new Map<string, BucketState>();

  constructor(
    private readonly config: BucketConfig & { maxAddresses?: number },
    private readonly now: () => number = Date.now,
  ) {
    if (!(config.perSecond >= 0) || !(config.capacity >= 1)) {
      throw new Error(`An address rate limit needs perSecond >= 0 and capacity >= 1 (got ${config.perSecond}, ${config.capacity}).`);
    }
  }

  /** Takes one attempt for `address` (an IPv6 one counted by its /64, see limitKey); false when over budget. */
  take(address: string): boolean {
    if (this.config.perSecond === 0) return true;
    const key = limitKey(address);
    const at = this.now();
    const taken = takeToken(this.buckets.get(key) ?? fullBucket(this.config, at), this.config, at);
    // Delete and set again: a Map keeps insertion order, so the first key is the least recent.
    this.buckets.delete(key);
    this.buckets.set(key, taken.state);
    if (this.buckets.size > (this.config.maxAddresses ?? 100_000)) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    return taken.allowed;
  }

  /** Addresses remembered now (bounded by `maxAddresses`). */
  get size(): number {
    return this.buckets.size;
  }
}
