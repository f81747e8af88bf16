/**
 * Whisk's own waits before it reconnects (socket.io's back-off is its own), in ms; the last repeats.
 * Refused handshakes start from the first, flood pauses from the third (see decideRetry).
 */
export const RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 5_000] as const;

/** How long to wait before try number `tries` (1-based). */
export function delayFor(tries: number): number {
  const whole = Number.isNaN(tries) ? 1 : Math.floor(tries);
  const index = Math.min(Math.max(whole, 1), RETRY_DELAYS_MS.length) - 1;
  return RETRY_DELAYS_MS[index] as number;
}
