import type { ErrorCode, WhiskErrorPayload } from "../core/errors";
import { delayFor } from "./backoff";

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
  /** socket.io does not retry refusals or server disconnects: Whisk reconnects after `delayMs`. */
  | { action: "retry-after"; delayMs: number; error: WhiskErrorPayload; askForGateway: boolean }
  /** Retrying cannot fix `error`, or it did not after `maxAuthRetries` tries: stop and show it. */
  | { action: "give-up"; error: WhiskErrorPayload }
  /** Sent away for good (a sign-out, the session ended): stop without an error; `open()` starts again. */
  | { action: "stay-disconnected" };

export interface RetryLimits {
  /** Refused handshakes in a row that Whisk retries before giving up. */
  maxAuthRetries?: number;
}

/** With the back-off table: about 14 s of tries (250 ms + 500 ms + 1 s + 2 s + 5 s + 5 s) before an error shows. */
export const DEFAULT_MAX_AUTH_RETRIES = 6;

/**
 * Unreachable handshakes in a row after which the client asks for a gateway again (a new token
 * whose grant may name another one). 1: asking costs one `getToken()`, and the web node hands out
 * only gateways seen lately (3 s by default), so the first failure already asks.
 */
export const ASK_FOR_GATEWAY_AFTER_UNREACHABLE = 1;

/** Refusal codes a fresh token or a pause can fix; any other refusal gives up at once. */
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
 * failures before it. Returns the decision and the counts that include this failure.
 * - refused: a retryable code is retried after `delayFor(refusals)` (250 ms, 500 ms, 1 s, 2 s,
 *   5 s, 5 s...) until more than `maxAuthRetries` in a row; DRAINING also asks for a gateway;
 * - unreachable, dropped: socket.io retries by itself; an unreachable gateway also makes the
 *   client ask for a gateway, which may name a live one;
 * - sent away after a RATE_LIMITED notice (a flood): back after `delayFor(floodPauses + 2)`
 *   (1 s, 2 s, 5 s, 5 s...), so a flood loop cannot hammer the gateway;
 * - sent away without one: final.
 */
export function decideRetry(
  failure: ConnectionFailure,
  counts: FailureCounts,
  limits: RetryLimits = {},
): { decision: RetryDecision; counts: FailureCounts } {
  switch (failure.kind) {
    case "refused": {
      const { error } = failure;
      if (!RETRYABLE_REFUSALS.has(error.code)) return { decision: { action: "give-up", error }, counts };
      const refusals = counts.refusals + 1;
      const next = { ...counts, refusals };
      if (refusals > (limits.maxAuthRetries ?? DEFAULT_MAX_AUTH_RETRIES)) return { decision: { action: "give-up", error }, counts: next };
      const askForGateway = error.code === "DRAINING";
      return { decision: { action: "retry-after", delayMs: delayFor(refusals), error, askForGateway }, counts: next };
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
      return {
        decision: { action: "retry-after", delayMs: delayFor(floodPauses + 2), error: notice, askForGateway: false },
        counts: { ...counts, floodPauses },
      };
    }
  }
}

/** A welcome ends a run of failed handshakes; flood pauses keep counting until `close()`. */
export function countsAfterWelcome(counts: FailureCounts): FailureCounts {
  return { ...counts, refusals: 0, unreachable: 0 };
}
