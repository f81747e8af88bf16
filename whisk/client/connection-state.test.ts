import { describe, expect, it } from "vitest";
import type { WhiskErrorPayload } from "../core/errors";
import type { Welcome } from "../core/protocol";
import { type ConnectionEvent, type ConnectionState, INITIAL_STATE, transition } from "./connection-state";

const welcome: Welcome = { nodeId: "ws-2", socketId: "sock-9", user: { id: "u1", name: "Ada" } };
const tokenRefused: WhiskErrorPayload = { code: "TOKEN_INVALID", message: "used" };
const originRefused: WhiskErrorPayload = { code: "ORIGIN_NOT_ALLOWED", message: "no" };

const idle: ConnectionState = { status: "disconnected", reason: "idle" };
const closed: ConnectionState = { status: "disconnected", reason: "closed" };
const kickedOut: ConnectionState = { status: "disconnected", reason: "server" };
const connecting: ConnectionState = { status: "connecting", attempt: 2 };
const reconnecting: ConnectionState = { status: "reconnecting", attempt: 3 };
const connected: ConnectionState = { status: "connected", nodeId: "ws-1", socketId: "sock-1", user: { id: "u1", name: "Ada" } };
const errored: ConnectionState = { status: "error", error: originRefused };
const failingStill: ConnectionState = { status: "error", error: tokenRefused, retryAt: 1_000_000 };

const ALL_STATES: [string, ConnectionState][] = [
  ["disconnected (idle)", idle],
  ["disconnected (closed)", closed],
  ["disconnected (server)", kickedOut],
  ["connecting", connecting],
  ["reconnecting", reconnecting],
  ["connected", connected],
  ["error", errored],
  ["error, still retrying", failingStill],
];

describe("INITIAL_STATE", () => {
  it("is disconnected because nothing was opened yet", () => {
    expect(INITIAL_STATE).toEqual({ status: "disconnected", reason: "idle" });
  });
});

describe("transition", () => {
  const cases: { from: ConnectionState; event: ConnectionEvent; to: ConnectionState | "same"; name: string }[] = [
    // open
    { name: "open from idle starts connecting, attempt 1", from: idle, event: { type: "open" }, to: { status: "connecting", attempt: 1 } },
    {
      name: "open after close starts connecting, attempt 1",
      from: closed,
      event: { type: "open" },
      to: { status: "connecting", attempt: 1 },
    },
    {
      name: "open after being kicked starts connecting, attempt 1",
      from: kickedOut,
      event: { type: "open" },
      to: { status: "connecting", attempt: 1 },
    },
    {
      name: "open from error starts connecting again, attempt 1",
      from: errored,
      event: { type: "open" },
      to: { status: "connecting", attempt: 1 },
    },
    { name: "open while connected keeps the same state object", from: connected, event: { type: "open" }, to: "same" },
    { name: "open while connecting keeps the same state object", from: connecting, event: { type: "open" }, to: "same" },
    { name: "open while reconnecting keeps the same state object", from: reconnecting, event: { type: "open" }, to: "same" },
    // welcome
    {
      name: "welcome while connecting becomes connected with the node, socket and user",
      from: connecting,
      event: { type: "welcome", welcome },
      to: { status: "connected", nodeId: "ws-2", socketId: "sock-9", user: { id: "u1", name: "Ada" } },
    },
    {
      name: "welcome while reconnecting becomes connected with the new node",
      from: reconnecting,
      event: { type: "welcome", welcome },
      to: { status: "connected", nodeId: "ws-2", socketId: "sock-9", user: { id: "u1", name: "Ada" } },
    },
    {
      name: "welcome while connected replaces the node and socket with the new ones",
      from: connected,
      event: { type: "welcome", welcome },
      to: { status: "connected", nodeId: "ws-2", socketId: "sock-9", user: { id: "u1", name: "Ada" } },
    },
    // retrying
    {
      name: "retrying while connecting stays connecting with the attempt incremented and the error kept",
      from: connecting,
      event: { type: "retrying", error: tokenRefused },
      to: { status: "connecting", attempt: 3, lastError: tokenRefused },
    },
    {
      name: "retrying while connecting without an error clears the last error",
      from: { status: "connecting", attempt: 1, lastError: tokenRefused },
      event: { type: "retrying" },
      to: { status: "connecting", attempt: 2, lastError: undefined },
    },
    {
      name: "retrying while reconnecting stays reconnecting with the attempt incremented",
      from: reconnecting,
      event: { type: "retrying", error: tokenRefused },
      to: { status: "reconnecting", attempt: 4, lastError: tokenRefused },
    },
    {
      name: "retrying while connected becomes reconnecting, attempt 1",
      from: connected,
      event: { type: "retrying" },
      to: { status: "reconnecting", attempt: 1, lastError: undefined },
    },
    { name: "retrying while idle keeps the same state object", from: idle, event: { type: "retrying" }, to: "same" },
    { name: "retrying after close keeps the same state object", from: closed, event: { type: "retrying" }, to: "same" },
    { name: "retrying in error keeps the same state object", from: errored, event: { type: "retrying", error: tokenRefused }, to: "same" },
    {
      name: "retrying in error while still retrying keeps the same state object, the error shown",
      from: failingStill,
      event: { type: "retrying" },
      to: "same",
    },
    // kicked
    { name: "kicked while connected becomes disconnected by the server", from: connected, event: { type: "kicked" }, to: kickedOut },
    { name: "kicked while reconnecting becomes disconnected by the server", from: reconnecting, event: { type: "kicked" }, to: kickedOut },
    { name: "kicked while connecting becomes disconnected by the server", from: connecting, event: { type: "kicked" }, to: kickedOut },
    // failed
    {
      name: "failed while connecting becomes error with that error",
      from: connecting,
      event: { type: "failed", error: originRefused },
      to: { status: "error", error: originRefused },
    },
    {
      name: "failed while reconnecting becomes error with that error",
      from: reconnecting,
      event: { type: "failed", error: tokenRefused },
      to: { status: "error", error: tokenRefused },
    },
    {
      name: "failed while connected becomes error with that error",
      from: connected,
      event: { type: "failed", error: tokenRefused },
      to: { status: "error", error: tokenRefused },
    },
    {
      name: "failed in error replaces the error with the new one",
      from: errored,
      event: { type: "failed", error: tokenRefused },
      to: { status: "error", error: tokenRefused },
    },
    {
      name: "failed with retryAt while connecting becomes error, saying when the next try comes",
      from: connecting,
      event: { type: "failed", error: tokenRefused, retryAt: 1_000_250 },
      to: { status: "error", error: tokenRefused, retryAt: 1_000_250 },
    },
    {
      name: "failed with retryAt while reconnecting becomes error, saying when the next try comes",
      from: reconnecting,
      event: { type: "failed", error: tokenRefused, retryAt: 1_000_250 },
      to: { status: "error", error: tokenRefused, retryAt: 1_000_250 },
    },
    {
      name: "failed with retryAt while still retrying moves the next try, in a new state object",
      from: failingStill,
      event: { type: "failed", error: tokenRefused, retryAt: 1_030_000 },
      to: { status: "error", error: tokenRefused, retryAt: 1_030_000 },
    },
    {
      name: "failed without retryAt while still retrying stops retrying",
      from: failingStill,
      event: { type: "failed", error: originRefused },
      to: { status: "error", error: originRefused },
    },
    {
      name: "open in error while still retrying starts connecting again, attempt 1",
      from: failingStill,
      event: { type: "open" },
      to: { status: "connecting", attempt: 1 },
    },
    {
      name: "welcome in error while still retrying becomes connected",
      from: failingStill,
      event: { type: "welcome", welcome },
      to: { status: "connected", nodeId: "ws-2", socketId: "sock-9", user: { id: "u1", name: "Ada" } },
    },
    { name: "failed while idle keeps the same state object", from: idle, event: { type: "failed", error: tokenRefused }, to: "same" },
    {
      name: "failed with retryAt after close keeps the same state object",
      from: closed,
      event: { type: "failed", error: tokenRefused, retryAt: 5 },
      to: "same",
    },
    { name: "failed after close keeps the same state object", from: closed, event: { type: "failed", error: tokenRefused }, to: "same" },
    {
      name: "failed after being kicked keeps the same state object",
      from: kickedOut,
      event: { type: "failed", error: tokenRefused },
      to: "same",
    },
    // close
    { name: "close while connected becomes disconnected, closed", from: connected, event: { type: "close" }, to: closed },
    { name: "close while connecting becomes disconnected, closed", from: connecting, event: { type: "close" }, to: closed },
    { name: "close while reconnecting becomes disconnected, closed", from: reconnecting, event: { type: "close" }, to: closed },
    { name: "close in error becomes disconnected, closed", from: errored, event: { type: "close" }, to: closed },
    { name: "close after being kicked becomes disconnected, closed", from: kickedOut, event: { type: "close" }, to: closed },
  ];

  it.each(cases)("$name", ({ from, event, to }) => {
    const before = structuredClone(from);
    const next = transition(from, event);
    if (to === "same") {
      expect(next).toBe(from);
    } else {
      // toEqual: an absent lastError and `lastError: undefined` mean the same thing.
      expect(next).toEqual(to);
      expect(next).not.toBe(from);
    }
    expect(from).toStrictEqual(before);
  });

  it.each(ALL_STATES)("close from %s always ends disconnected with reason closed", (_name, from) => {
    expect(transition(from, { type: "close" })).toStrictEqual(closed);
  });

  it.each(ALL_STATES)("kicked from %s always ends disconnected with reason server", (_name, from) => {
    expect(transition(from, { type: "kicked" })).toStrictEqual(kickedOut);
  });

  it.each(ALL_STATES)("welcome from %s always ends connected with the welcome's node", (_name, from) => {
    const next = transition(from, { type: "welcome", welcome });
    expect(next.status).toBe("connected");
    expect(next.status === "connected" && next.nodeId).toBe("ws-2");
  });

  it("counts attempts across a run of retries: connecting 1, 2, 3", () => {
    let state = transition(INITIAL_STATE, { type: "open" });
    const attempts: number[] = [];
    for (let i = 0; i < 3; i++) {
      if (state.status === "connecting") attempts.push(state.attempt);
      state = transition(state, { type: "retrying" });
    }
    expect(attempts).toEqual([1, 2, 3]);
  });

  it("starts counting reconnect attempts from 1 again after each successful welcome", () => {
    let state = transition(INITIAL_STATE, { type: "open" });
    state = transition(state, { type: "welcome", welcome });
    state = transition(state, { type: "retrying" });
    state = transition(state, { type: "retrying" });
    expect(state).toMatchObject({ status: "reconnecting", attempt: 2 });
    state = transition(state, { type: "welcome", welcome });
    state = transition(state, { type: "retrying" });
    expect(state).toMatchObject({ status: "reconnecting", attempt: 1 });
  });
});
