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
      return `retry in ${decision.delayMs} ms (${decision.error.code})${ask}${decision.showAsError ? ", shown as an error" : ""}`;
    case "socket-io-retries":
      return `socket.io retries${ask}`;
    case "give-up":
      return `give up (${decision.error.code})`;
    case "stay-disconnected":
      return "stay disconnected";
  }
}

/** A random source that always rolls `roll`, and counts its calls. */
function rolling(roll: number) {
  const random = () => {
    random.calls++;
    return roll;
  };
  random.calls = 0;
  return random;
}

describe("decideRetry", () => {
  // [name, the decision in words, failure, counts before, counts after, roll]; counts not named
  // are 0. The roll is what random() returns: 0 gives the floor, 1 (never returned by
  // Math.random, so the exact top) the ceiling.
  const table: [string, string, ConnectionFailure, Partial<FailureCounts>, Partial<FailureCounts>, number][] = [
    // A refusal a fresh token or a pause can fix: retried for ever after refusalDelay(refusals, roll),
    // from the 100 ms floor to min(30 s, 250 ms * 2^(refusals - 1)).
    ["TOKEN_MISSING", "retry in 250 ms (TOKEN_MISSING)", refused("TOKEN_MISSING"), {}, { refusals: 1 }, 1],
    ["TOKEN_INVALID", "retry in 250 ms (TOKEN_INVALID)", refused("TOKEN_INVALID"), {}, { refusals: 1 }, 1],
    ["UNAUTHORIZED", "retry in 250 ms (UNAUTHORIZED)", refused("UNAUTHORIZED"), {}, { refusals: 1 }, 1],
    ["INTERNAL (a failed getToken)", "retry in 250 ms (INTERNAL)", refused("INTERNAL"), {}, { refusals: 1 }, 1],
    ["LIMIT_REACHED", "retry in 250 ms (LIMIT_REACHED)", refused("LIMIT_REACHED"), {}, { refusals: 1 }, 1],
    ["RATE_LIMITED at the handshake", "retry in 250 ms (RATE_LIMITED)", refused("RATE_LIMITED"), {}, { refusals: 1 }, 1],
    ["DRAINING", "retry in 250 ms (DRAINING), ask for a gateway", refused("DRAINING"), {}, { refusals: 1 }, 1],
    ["1st refusal, roll 0: the floor", "retry in 100 ms (TOKEN_INVALID)", refused("TOKEN_INVALID"), {}, { refusals: 1 }, 0],
    ["1st refusal, roll 0.5", "retry in 175 ms (TOKEN_INVALID)", refused("TOKEN_INVALID"), {}, { refusals: 1 }, 0.5],
    ["2nd refusal in a row", "retry in 500 ms (TOKEN_INVALID)", refused("TOKEN_INVALID"), { refusals: 1 }, { refusals: 2 }, 1],
    ["3rd refusal in a row", "retry in 1000 ms (TOKEN_INVALID)", refused("TOKEN_INVALID"), { refusals: 2 }, { refusals: 3 }, 1],
    ["4th refusal in a row", "retry in 2000 ms (TOKEN_INVALID)", refused("TOKEN_INVALID"), { refusals: 3 }, { refusals: 4 }, 1],
    ["5th refusal in a row", "retry in 4000 ms (TOKEN_INVALID)", refused("TOKEN_INVALID"), { refusals: 4 }, { refusals: 5 }, 1],
    ["6th refusal in a row", "retry in 8000 ms (TOKEN_INVALID)", refused("TOKEN_INVALID"), { refusals: 5 }, { refusals: 6 }, 1],
    // Past maxAuthRetries (6) in a row: still retried, and the state shows the error meanwhile.
    [
      "7th refusal in a row",
      "retry in 16000 ms (TOKEN_INVALID), shown as an error",
      refused("TOKEN_INVALID"),
      { refusals: 6 },
      { refusals: 7 },
      1,
    ],
    [
      "7th refusal in a row, DRAINING",
      "retry in 16000 ms (DRAINING), ask for a gateway, shown as an error",
      refused("DRAINING"),
      { refusals: 6 },
      { refusals: 7 },
      1,
    ],
    [
      "8th refusal in a row: the cap",
      "retry in 30000 ms (INTERNAL), shown as an error",
      refused("INTERNAL"),
      { refusals: 7 },
      { refusals: 8 },
      1,
    ],
    ["20th refusal, roll 0", "retry in 100 ms (INTERNAL), shown as an error", refused("INTERNAL"), { refusals: 19 }, { refusals: 20 }, 0],
    [
      "20th refusal, roll 0.5",
      "retry in 15050 ms (INTERNAL), shown as an error",
      refused("INTERNAL"),
      { refusals: 19 },
      { refusals: 20 },
      0.5,
    ],
    [
      "1000th refusal",
      "retry in 30000 ms (TOKEN_MISSING), shown as an error",
      refused("TOKEN_MISSING"),
      { refusals: 999 },
      { refusals: 1000 },
      1,
    ],
    ["refused after 2 floods", "retry in 250 ms (INTERNAL)", refused("INTERNAL"), { floodPauses: 2 }, { refusals: 1, floodPauses: 2 }, 1],
    // A refusal no retry fixes: at once, without counting.
    ["ORIGIN_NOT_ALLOWED", "give up (ORIGIN_NOT_ALLOWED)", refused("ORIGIN_NOT_ALLOWED"), {}, {}, 1],
    ["FORBIDDEN", "give up (FORBIDDEN)", refused("FORBIDDEN"), {}, {}, 1],
    ["FORBIDDEN after 9 refusals", "give up (FORBIDDEN)", refused("FORBIDDEN"), { refusals: 9 }, { refusals: 9 }, 1],
    ["BAD_PAYLOAD", "give up (BAD_PAYLOAD)", refused("BAD_PAYLOAD"), {}, {}, 1],
    ["UNKNOWN_EVENT", "give up (UNKNOWN_EVENT)", refused("UNKNOWN_EVENT"), {}, {}, 1],
    ["TIMEOUT", "give up (TIMEOUT)", refused("TIMEOUT"), {}, {}, 1],
    // No gateway answered: socket.io retries with its own back-off, and every time the client asks for a gateway.
    ["unreachable", "socket.io retries, ask for a gateway", unreachable, {}, { unreachable: 1 }, 1],
    ["5th unreachable in a row", "socket.io retries, ask for a gateway", unreachable, { unreachable: 4 }, { unreachable: 5 }, 1],
    [
      "unreachable after refusals",
      "socket.io retries, ask for a gateway",
      unreachable,
      { refusals: 2 },
      { refusals: 2, unreachable: 1 },
      1,
    ],
    // An open connection broke: socket.io retries; nothing is counted.
    ["dropped", "socket.io retries", dropped, {}, {}, 1],
    ["dropped after failures", "socket.io retries", dropped, { refusals: 1, floodPauses: 2 }, { refusals: 1, floodPauses: 2 }, 1],
    // Sent away after a flood notice: back after floodPause(floodPauses, roll), never sooner than
    // 1 s, 2 s, 5 s, 5 s..., at most half again longer; never giving up, never shown as an error.
    ["sent away after a flood, roll 0", "retry in 1000 ms (RATE_LIMITED)", afterFlood, {}, { floodPauses: 1 }, 0],
    ["sent away after a flood, roll 1", "retry in 1500 ms (RATE_LIMITED)", afterFlood, {}, { floodPauses: 1 }, 1],
    ["sent away after a 2nd flood", "retry in 2000 ms (RATE_LIMITED)", afterFlood, { floodPauses: 1 }, { floodPauses: 2 }, 0],
    ["sent away after a 3rd flood", "retry in 5000 ms (RATE_LIMITED)", afterFlood, { floodPauses: 2 }, { floodPauses: 3 }, 0],
    ["sent away after a 10th flood, roll 0.5", "retry in 6250 ms (RATE_LIMITED)", afterFlood, { floodPauses: 9 }, { floodPauses: 10 }, 0.5],
    ["a flood after 9 refusals", "retry in 1000 ms (RATE_LIMITED)", afterFlood, { refusals: 9 }, { refusals: 9, floodPauses: 1 }, 0],
    // Sent away without a flood notice (a sign-out, the session ended): final.
    ["sent away without a notice", "stay disconnected", sentAway(), {}, {}, 1],
    ["sent away after another notice", "stay disconnected", sentAway("UNAUTHORIZED"), { floodPauses: 1 }, { floodPauses: 1 }, 1],
  ];

  it.each(table)("%s: %s", (_name, expected, failure, before, after, roll) => {
    const counts = { ...NO_FAILURES, ...before };
    const result = decideRetry(failure, counts, { random: () => roll });
    expect(inWords(result.decision)).toBe(expected);
    expect(result.counts).toStrictEqual({ ...NO_FAILURES, ...after });
    expect(counts).toStrictEqual({ ...NO_FAILURES, ...before });
  });

  // [maxAuthRetries, refusals before, what to do]: the limit says when the error shows, never when to stop.
  const limits: [number, number, string][] = [
    [0, 0, "retry in 250 ms (TOKEN_INVALID), shown as an error"],
    [1, 0, "retry in 250 ms (TOKEN_INVALID)"],
    [1, 1, "retry in 500 ms (TOKEN_INVALID), shown as an error"],
    [8, 7, "retry in 30000 ms (TOKEN_INVALID)"],
    [8, 8, "retry in 30000 ms (TOKEN_INVALID), shown as an error"],
    [Number.POSITIVE_INFINITY, 500, "retry in 30000 ms (TOKEN_INVALID)"],
  ];

  it.each(limits)("with maxAuthRetries %d, after %i refusals: %s", (maxAuthRetries, refusals, expected) => {
    const { decision } = decideRetry(refused("TOKEN_INVALID"), { ...NO_FAILURES, refusals }, { maxAuthRetries, random: () => 1 });
    expect(inWords(decision)).toBe(expected);
  });

  it("never gives up on a failing getToken: 100 in a row still retry, shown as an error from the 7th on", () => {
    const failed: WhiskErrorPayload = { code: "INTERNAL", message: "Could not get a ws_token: the token action (getToken) failed." };
    let counts = NO_FAILURES;
    const steps: string[] = [];
    for (let i = 0; i < 100; i++) {
      const result = decideRetry({ kind: "refused", error: failed }, counts, { random: () => 1 });
      steps.push(inWords(result.decision));
      counts = result.counts;
    }
    expect(DEFAULT_MAX_AUTH_RETRIES).toBe(6);
    expect(steps.slice(0, 9)).toEqual([
      "retry in 250 ms (INTERNAL)",
      "retry in 500 ms (INTERNAL)",
      "retry in 1000 ms (INTERNAL)",
      "retry in 2000 ms (INTERNAL)",
      "retry in 4000 ms (INTERNAL)",
      "retry in 8000 ms (INTERNAL)",
      "retry in 16000 ms (INTERNAL), shown as an error",
      "retry in 30000 ms (INTERNAL), shown as an error",
      "retry in 30000 ms (INTERNAL), shown as an error",
    ]);
    expect(new Set(steps.slice(7))).toEqual(new Set(["retry in 30000 ms (INTERNAL), shown as an error"]));
    expect(counts.refusals).toBe(100);
  });

  it("spreads clients refused together: each one's wait is its own roll of the same range", () => {
    const waits = [0, 0.25, 0.5, 0.75, 0.999].map((roll) => {
      const { decision } = decideRetry(refused("INTERNAL"), { ...NO_FAILURES, refusals: 9 }, { random: () => roll });
      return decision.action === "retry-after" ? decision.delayMs : Number.NaN;
    });
    expect(waits).toEqual([100, 7_575, 15_050, 22_525, 29_970]);
  });

  it("rolls once for each wait it decides, and not for the others", () => {
    const rows: [ConnectionFailure, number][] = [
      [refused("TOKEN_INVALID"), 1],
      [afterFlood, 1],
      [refused("FORBIDDEN"), 0],
      [unreachable, 0],
      [dropped, 0],
      [sentAway(), 0],
    ];
    for (const [failure, calls] of rows) {
      const random = rolling(0.5);
      decideRetry(failure, NO_FAILURES, { random });
      expect(random.calls).toBe(calls);
    }
  });

  it("shows the refusal or the notice itself, message and all", () => {
    const refusal: WhiskErrorPayload = { code: "INTERNAL", message: "Could not get a ws_token: the token action (getToken) failed." };
    expect(decideRetry({ kind: "refused", error: refusal }, NO_FAILURES, { random: () => 1 }).decision).toStrictEqual({
      action: "retry-after",
      delayMs: 250,
      error: refusal,
      askForGateway: false,
      showAsError: false,
    });
    expect(decideRetry({ kind: "refused", error: refusal }, NO_FAILURES, { maxAuthRetries: 0, random: () => 0 }).decision).toStrictEqual({
      action: "retry-after",
      delayMs: 100,
      error: refusal,
      askForGateway: false,
      showAsError: true,
    });
    const forbidden: WhiskErrorPayload = { code: "FORBIDDEN", message: "This account may not chat." };
    expect(decideRetry({ kind: "refused", error: forbidden }, NO_FAILURES, { random: () => 1 }).decision).toStrictEqual({
      action: "give-up",
      error: forbidden,
    });
    const notice: WhiskErrorPayload = { code: "RATE_LIMITED", message: "Disconnected for flooding; reconnect after a pause." };
    expect(decideRetry({ kind: "sent-away", notice }, NO_FAILURES, { random: () => 0 }).decision).toStrictEqual({
      action: "retry-after",
      delayMs: 1_000,
      error: notice,
      askForGateway: false,
      showAsError: false,
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
