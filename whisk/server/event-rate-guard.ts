import { type BucketConfig, fullBucket, takeToken } from "./token-bucket";

export type RateVerdict = "allow" | "refuse" | "disconnect";

const WINDOW_MS = 10_000;

/**
 * One socket's event budget: a token bucket, and a count of refusals in the last 10 s. A socket
 * over budget is refused (RATE_LIMITED); one that keeps flooding is disconnected.
 */
export function createEventRateGuard(config: BucketConfig & { disconnectAfter: number }, now: () => number = Date.now) {
  let bucket = fullBucket(config, now());
  let refused = 0;
  let windowStart = now();
  return {
    check(): RateVerdict {
      const at = now();
      const taken = takeToken(bucket, config, at);
      bucket = taken.state;
      if (taken.allowed) return "allow";
      if (at - windowStart > WINDOW_MS) {
        windowStart = at;
        refused = 0;
      }
      refused += 1;
      return refused > config.disconnectAfter ? "disconnect" : "refuse";
    },
  };
}
