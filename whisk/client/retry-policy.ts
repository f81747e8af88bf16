import type { ErrorCode, WhiskErrorPayload } from "../core/errors";
import { floodPause, refusalDelay } from "./backoff";

/** What went wrong with the connection, as the client can tell it apart. */
export type ConnectionFailure =
  /** The handshake was refused with a Whisk code: by the gateway's middleware, or by its first check (HTTP 403). */
  | { kind: "refused"; error: WhiskErrorPayload }
  /** The handshake failed without a code: the gateway is down or the network is. */
  | { kind: "unreachable" }
  /** An open connection broke: network, gateway gone, a slow reader cut off at the transport. */
  | { kind: "dropped" }
  /** The server disconnected this socket on purpose, after `notice` if it sent one. */
  | { kind: "sent-away"; notice: WhiskErrorPayload | null };

/** The failures the next decision depends on. */
export interface FailureCounts {
  /** Refused handshakes since the last welcome. */
  refusals: number;
  /** Handshakes since the last welcome that failed without a code. */
  unreachable: number;
  /** Flood disconnects since `open()`: not reset by a welcome, so a client that floods again waits longer. */
  floodPauses: number;
}

export const NO_FAILURES: FailureCounts = { refusals: 0, unreachable: 0, floodPauses: 0 };

export type RetryDecision =
  /** socket.io reconnects by itself, with its own back-off. */
  | { action: "socket-io-retries"; askForGateway: boolean }
  /**
   * socket.io does not retry refusals or server disconnects: Whisk reconnects after `delayMs`.
   * `showAsError`: the refusals in a row passed `maxAuthRetries`, so the state turns to `error`
   * (saying when the next try comes) instead of (re)connecting with `error` as its lastError.
   */
  | { action: "retry-after"; delayMs: number; error: WhiskErrorPayload; askForGateway: boolean; showAsError: boolean }
  /** Retrying cannot fix `error` (the page's origin is refused, the user may not): stop and show it. */
  | { action: "give-up"; error: WhiskErrorPayload }
  /** Sent away for good (a sign-out, the session ended): stop without an error; `open()` starts again. */
  | { action: "stay-disconnected" };

export interface RetryOptions {
  /**
   * Refused handshakes in a row shown as (re)connecting with a lastError; past them the state
   * shows the error while the retries go on. `DEFAULT_MAX_AUTH_RETRIES` if not set.
   */
  maxAuthRetries?: number;
  /** The jitter's source: a number in [0, 1) per call, as Math.random() returns; pass a fixed one to test. */
  random: () => number;
}

/**
 * With the back-off's ceilings (250 ms, 500 ms, 1 s, 2 s, 4 s, 8 s), some 8 s on average (16 s at
 * most) of refused tries show as connecting before the state says `error`; retries go on.
 */
export const DEFAULT_MAX_AUTH_RETRIES = 6;

/**
 * Unreachable handshakes in a row after which the client asks for a gateway again (a new token
 * whose grant may name another one). 1: asking costs one `getToken()`, and the web node hands out
 * only gateways seen lately (3 s by default), so the first failure already asks.
 */
export const ASK_FOR_GATEWAY_AFTER_UNREACHABLE = 1;

/**
 * Refusal codes a fresh token or a pause can fix, retried for ever; any other refusal gives up at
 * once. A `getToken()` that throws reaches the gateway as a missing token and is shown as its own
 * error: INTERNAL, or the code of a WhiskError it threw (see tokenFailureOf in whisk-connection.ts).
 */
const RETRYABLE_REFUSALS: ReadonlySet<ErrorCode> = new Set([
  "TOKEN_MISSING",
  "TOKEN_INVALID",
  "UNAUTHORIZED",
  "INTERNAL",
  "DRAINING",
  "LIMIT_REACHED",
  "RATE_LIMITED",
]);

/** Notices before a server disconnect that mean "come back after a pause" rather than "goodbye". */
const COMES_BACK_AFTER: ReadonlySet<ErrorCode> = new Set(["RATE_LIMITED"]);

/**
 * The client's whole retry and gateway-switch policy: what to do about `failure`, given the
 * failures before it. Returns the decision and the counts that include this failure. Pure: the
 * jitter comes from `options.random`.
 * - refused with a retryable code (a failed `getToken()` included): retried for ever, after
 *   `refusalDelay(refusals, random())`: capped exponential back-off (250 ms doubling to 30 s)
 *   with full jitter above a 100 ms floor, so refused clients do not come back in lockstep. Past
 *   `maxAuthRetries` in a row it is shown as an error meanwhile. DRAINING also asks for a gateway;
 * - refused with another code (ORIGIN_NOT_ALLOWED, FORBIDDEN...): give up at once;
 * - unreachable, dropped: socket.io retries by itself (for ever, jittered); an unreachable gateway
 *   also makes the client ask for a gateway, which may name a live one;
 * - sent away after a RATE_LIMITED notice (a flood): back after `floodPause(floodPauses, random())`
 *   (1 s, 2 s, 5 s, 5 s..., each up to half again longer), so a flood loop cannot hammer the gateway;
 * - sent away without one (a sign-out, the session ended): final.
 */
export function decideRetry(
  failure: ConnectionFailure,
  counts: FailureCounts,
  options: RetryOptions,
): { decision: RetryDecision; counts: FailureCounts } {
  switch (failure.kind) {
    case "refused": {
      const { error } = failure;
      if (!RETRYABLE_REFUSALS.has(error.code)) return { decision: { action: "give-up", error }, counts };
      const refusals = counts.refusals + 1;
      const showAsError = refusals > (options.maxAuthRetries ?? DEFAULT_MAX_AUTH_RETRIES);
      const askForGateway = error.code === "DRAINING";
      const delayMs = refusalDelay(refusals, options.random());
      return { decision: { action: "retry-after", delayMs, error, askForGateway, showAsError }, counts: { ...counts, refusals } };
    }
    case "unreachable": {
      const unreachable = counts.unreachable + 1;
      const askForGateway = unreachable >= ASK_FOR_GATEWAY_AFTER_UNREACHABLE;
      return { decision: { action: "socket-io-retries", askForGateway }, counts: { ...counts, unreachable } };
    }
    case "dropped":
      return { decision: { action: "socket-io-retries", askForGateway: false }, counts };
    case "sent-away": {
      const { notice } = failure;
      if (!notice || !COMES_BACK_AFTER.has(notice.code)) return { decision: { action: "stay-disconnected" }, counts };
      const floodPauses = counts.floodPauses + 1;
      const delayMs = floodPause(floodPauses, options.random());
      return {
        decision: { action: "retry-after", delayMs, error: notice, askForGateway: false, showAsError: false },
        counts: { ...counts, floodPauses },
      };
    }
  }
}

/** A welcome ends a run of failed handshakes; flood pauses keep counting until `close()`. */
export function countsAfterWelcome(counts: FailureCounts): FailureCounts {
  return { ...counts, refusals: 0, unreachable: 0 };
}
