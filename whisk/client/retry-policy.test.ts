import { describe, expect, it } from "vitest";
import { ERROR_CODES, type ErrorCode, type WhiskErrorPayload } from "../core/errors";
import {
  type ConnectionFailure,
  countsAfterWelcome,
  DEFAULT_MAX_AUTH_RETRIES,
  decideRetry,
  type FailureCounts,
  NO_FAILURES,
  type RetryDecision,
} from "./retry-policy";

const payload = (code: ErrorCode): WhiskErrorPayload => ({ code, message: ERROR_CODES[code] });
const refused = (code: ErrorCode): ConnectionFailure => ({ kind: "refused", error: payload(code) });
const unreachable: ConnectionFailure = { kind: "unreachable" };
const dropped: ConnectionFailure = { kind: "dropped" };
const sentAway = (code?: ErrorCode): ConnectionFailure => ({ kind: "sent-away", notice: code ? payload(code) : null });
const afterFlood = sentAway("RATE_LIMITED");

/** A decision in words, so each row of the table reads like the policy. */
function inWords(decision: RetryDecision): string {
  const ask = "askForGateway" in decision && decision.askForGateway ? ", ask for a gateway" : "";
  switch (decision.action) {
    case "retry-after":
      return `retry in ${decision.delayMs} ms (${decision.error.code})${ask}`;
    case "socket-io-retries":
      return `socket.io retries${ask}`;
    case "give-up":
      return `give up (${decision.error.code})`;
    case "stay-disconnected":
      return "stay disconnected";
  }
}

describe("decideRetry", () => {
  // [name, the decision in words, failure, counts before, counts after]; counts not named are 0.
  const table: [string, string, ConnectionFailure, Partial<FailureCounts>, Partial<FailureCounts>][] = [
    // A refusal a fresh token or a pause can fix: Whisk retries it after delayFor(refusals).
    ["TOKEN_MISSING", "retry in 250 ms (TOKEN_MISSING)", refused("TOKEN_MISSING"), {}, { refusals: 1 }],
    ["TOKEN_INVALID", "retry in 250 ms (TOKEN_INVALID)", refused("TOKEN_INVALID"), {}, { refusals: 1 }],
    ["UNAUTHORIZED", "retry in 250 ms (UNAUTHORIZED)", refused("UNAUTHORIZED"), {}, { refusals: 1 }],
    ["INTERNAL", "retry in 250 ms (INTERNAL)", refused("INTERNAL"), {}, { refusals: 1 }],
    ["LIMIT_REACHED", "retry in 250 ms (LIMIT_REACHED)", refused("LIMIT_REACHED"), {}, { refusals: 1 }],
    ["RATE_LIMITED at the handshake", "retry in 250 ms (RATE_LIMITED)", refused("RATE_LIMITED"), {}, { refusals: 1 }],
    ["DRAINING", "retry in 250 ms (DRAINING), ask for a gateway", refused("DRAINING"), {}, { refusals: 1 }],
    ["2nd refusal in a row", "retry in 500 ms (TOKEN_INVALID)", refused("TOKEN_INVALID"), { refusals: 1 }, { refusals: 2 }],
    ["3rd refusal in a row", "retry in 1000 ms (TOKEN_INVALID)", refused("TOKEN_INVALID"), { refusals: 2 }, { refusals: 3 }],
    ["4th refusal in a row", "retry in 2000 ms (TOKEN_INVALID)", refused("TOKEN_INVALID"), { refusals: 3 }, { refusals: 4 }],
    ["5th refusal in a row", "retry in 5000 ms (TOKEN_INVALID)", refused("TOKEN_INVALID"), { refusals: 4 }, { refusals: 5 }],
    ["6th refusal in a row", "retry in 5000 ms (TOKEN_INVALID)", refused("TOKEN_INVALID"), { refusals: 5 }, { refusals: 6 }],
    ["7th refusal in a row", "give up (TOKEN_INVALID)", refused("TOKEN_INVALID"), { refusals: 6 }, { refusals: 7 }],
    ["7th refusal in a row, DRAINING", "give up (DRAINING)", refused("DRAINING"), { refusals: 6 }, { refusals: 7 }],
    ["refused after 2 floods", "retry in 250 ms (INTERNAL)", refused("INTERNAL"), { floodPauses: 2 }, { refusals: 1, floodPauses: 2 }],
    // A refusal no retry fixes: at once, without counting.
    ["ORIGIN_NOT_ALLOWED", "give up (ORIGIN_NOT_ALLOWED)", refused("ORIGIN_NOT_ALLOWED"), {}, {}],
    ["FORBIDDEN", "give up (FORBIDDEN)", refused("FORBIDDEN"), {}, {}],
    ["BAD_PAYLOAD", "give up (BAD_PAYLOAD)", refused("BAD_PAYLOAD"), {}, {}],
    ["UNKNOWN_EVENT", "give up (UNKNOWN_EVENT)", refused("UNKNOWN_EVENT"), {}, {}],
    ["TIMEOUT", "give up (TIMEOUT)", refused("TIMEOUT"), {}, {}],
    // No gateway answered: socket.io retries with its own back-off, and every time the client asks for a gateway.
    ["unreachable", "socket.io retries, ask for a gateway", unreachable, {}, { unreachable: 1 }],
    ["5th unreachable in a row", "socket.io retries, ask for a gateway", unreachable, { unreachable: 4 }, { unreachable: 5 }],
    ["unreachable after refusals", "socket.io retries, ask for a gateway", unreachable, { refusals: 2 }, { refusals: 2, unreachable: 1 }],
    // An open connection broke: socket.io retries; nothing is counted.
    ["dropped", "socket.io retries", dropped, {}, {}],
    ["dropped after failures", "socket.io retries", dropped, { refusals: 1, floodPauses: 2 }, { refusals: 1, floodPauses: 2 }],
    // Sent away after a flood notice: back after delayFor(floodPauses + 2), never giving up.
    ["sent away after a flood", "retry in 1000 ms (RATE_LIMITED)", afterFlood, {}, { floodPauses: 1 }],
    ["sent away after a 2nd flood", "retry in 2000 ms (RATE_LIMITED)", afterFlood, { floodPauses: 1 }, { floodPauses: 2 }],
    ["sent away after a 3rd flood", "retry in 5000 ms (RATE_LIMITED)", afterFlood, { floodPauses: 2 }, { floodPauses: 3 }],
    ["sent away after a 10th flood", "retry in 5000 ms (RATE_LIMITED)", afterFlood, { floodPauses: 9 }, { floodPauses: 10 }],
    ["a flood after 6 refusals", "retry in 1000 ms (RATE_LIMITED)", afterFlood, { refusals: 6 }, { refusals: 6, floodPauses: 1 }],
    // Sent away without a flood notice (a sign-out, the session ended): final.
    ["sent away without a notice", "stay disconnected", sentAway(), {}, {}],
    ["sent away after another notice", "stay disconnected", sentAway("UNAUTHORIZED"), { floodPauses: 1 }, { floodPauses: 1 }],
  ];

  it.each(table)("%s: %s", (_name, expected, failure, before, after) => {
    const counts = { ...NO_FAILURES, ...before };
    const result = decideRetry(failure, counts);
    expect(inWords(result.decision)).toBe(expected);
    expect(result.counts).toStrictEqual({ ...NO_FAILURES, ...after });
    expect(counts).toStrictEqual({ ...NO_FAILURES, ...before });
  });

  // [maxAuthRetries, refusals before, what to do]
  const limits: [number, number, string][] = [
    [0, 0, "give up (TOKEN_INVALID)"],
    [1, 0, "retry in 250 ms (TOKEN_INVALID)"],
    [1, 1, "give up (TOKEN_INVALID)"],
    [8, 7, "retry in 5000 ms (TOKEN_INVALID)"],
    [8, 8, "give up (TOKEN_INVALID)"],
  ];

  it.each(limits)("with maxAuthRetries %i, after %i refusals: %s", (maxAuthRetries, refusals, expected) => {
    const { decision } = decideRetry(refused("TOKEN_INVALID"), { ...NO_FAILURES, refusals }, { maxAuthRetries });
    expect(inWords(decision)).toBe(expected);
  });

  it("retries DEFAULT_MAX_AUTH_RETRIES (6) refusals in a row, then gives up", () => {
    let counts = NO_FAILURES;
    const steps: string[] = [];
    for (let i = 0; i <= DEFAULT_MAX_AUTH_RETRIES; i++) {
      const result = decideRetry(refused("TOKEN_INVALID"), counts);
      steps.push(inWords(result.decision));
      counts = result.counts;
    }
    expect(DEFAULT_MAX_AUTH_RETRIES).toBe(6);
    expect(steps).toEqual([
      "retry in 250 ms (TOKEN_INVALID)",
      "retry in 500 ms (TOKEN_INVALID)",
      "retry in 1000 ms (TOKEN_INVALID)",
      "retry in 2000 ms (TOKEN_INVALID)",
      "retry in 5000 ms (TOKEN_INVALID)",
      "retry in 5000 ms (TOKEN_INVALID)",
      "give up (TOKEN_INVALID)",
    ]);
  });

  it("shows the refusal or the notice itself, message and all", () => {
    const refusal: WhiskErrorPayload = { code: "INTERNAL", message: "Could not get a ws_token: the token action (getToken) failed." };
    expect(decideRetry({ kind: "refused", error: refusal }, NO_FAILURES).decision).toStrictEqual({
      action: "retry-after",
      delayMs: 250,
      error: refusal,
      askForGateway: false,
    });
    expect(decideRetry({ kind: "refused", error: refusal }, NO_FAILURES, { maxAuthRetries: 0 }).decision).toStrictEqual({
      action: "give-up",
      error: refusal,
    });
    const notice: WhiskErrorPayload = { code: "RATE_LIMITED", message: "Disconnected for flooding; reconnect after a pause." };
    expect(decideRetry({ kind: "sent-away", notice }, NO_FAILURES).decision).toStrictEqual({
      action: "retry-after",
      delayMs: 1_000,
      error: notice,
      askForGateway: false,
    });
  });
});

describe("countsAfterWelcome", () => {
  it("starts a new run of refusals and unreachable handshakes, but keeps counting flood pauses", () => {
    expect(countsAfterWelcome({ refusals: 3, unreachable: 2, floodPauses: 1 })).toStrictEqual({
      refusals: 0,
      unreachable: 0,
      floodPauses: 1,
    });
  });
});
