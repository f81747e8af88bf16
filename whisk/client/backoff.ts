/**
 * Whisk's own waits before it reconnects, in ms (socket.io's back-off for an unreachable gateway
 * is its own, and jittered by it). Each takes `roll`, a number in [0, 1) such as Math.random()
 * returns, so clients refused together do not all come back together; the same roll gives the
 * same wait, so the policy stays a pure function.
 */

/**
 * Refused handshakes: capped exponential back-off with full jitter above a floor. The floor keeps
 * a client from coming straight back, since every try costs a token request and a handshake.
 */
export const REFUSAL_BACKOFF_MS = { base: 250, cap: 30_000, floor: 100 } as const;

/** The longest wait before try `tries` (1-based) after refusals: 250 ms, 500 ms, 1 s, 2 s... 30 s from the 8th on. */
export function refusalCeiling(tries: number): number {
  const { base, cap } = REFUSAL_BACKOFF_MS;
  return Math.min(cap, base * 2 ** (atLeastOne(tries) - 1));
}

/** The wait before try `tries` after refusals: from the floor (roll 0) to the ceiling (roll 1), evenly. */
export function refusalDelay(tries: number, roll: number): number {
  const { floor } = REFUSAL_BACKOFF_MS;
  return Math.round(floor + unit(roll) * (refusalCeiling(tries) - floor));
}

/**
 * Pauses after flood disconnects (the server's "come back after a pause"), in ms; the last
 * repeats. Jitter only lengthens them, by up to half, so a client never comes back sooner.
 */
export const FLOOD_PAUSES_MS = [1_000, 2_000, 5_000] as const;

/** The wait after flood disconnect number `pauses` (1-based): its pause, plus up to half of it. */
export function floodPause(pauses: number, roll: number): number {
  const pause = FLOOD_PAUSES_MS[Math.min(atLeastOne(pauses), FLOOD_PAUSES_MS.length) - 1] as number;
  return Math.round(pause + (unit(roll) * pause) / 2);
}

/** A whole count of tries, at least 1 (NaN counts as 1; Infinity stays, and hits the cap). */
function atLeastOne(tries: number): number {
  return Number.isNaN(tries) ? 1 : Math.max(Math.floor(tries), 1);
}

/** A roll inside [0, 1]: NaN is 0, anything outside is clamped. */
function unit(roll: number): number {
  return Number.isNaN(roll) ? 0 : Math.min(Math.max(roll, 0), 1);
}
