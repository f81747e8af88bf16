/**
 * How WhiskConnection's state follows the ways a connection ends, against a real gateway in this
 * process: a flood (told, then back after a pause), a sign-out (final, until `open()` again), a
 * refusal no retry fixes (the same), refusals and a failing `getToken()` (retried for ever), and a
 * transport cut (back by itself); and what makes it try at once: `retryNow()`, the page coming
 * back `online`, the tab shown again. Whisk's pauses run on a fake clock, so each is checked to
 * the millisecond without being waited out; their jitter comes from Math.random, fixed here.
 */
import { Manager, Socket } from "socket.io-client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { WhiskError } from "../core/errors";
import type { TokenGrant } from "../core/protocol";
import { createBuilders, defineRoutes, defineWhiskApp } from "../server";
import { createWhisk, type GatewayLimits } from "../server/host";
import { freePort } from "../testing/free-port";
import { serveGateway } from "../testing/in-process-gateway";
import type { ConnectionState } from "./connection-state";
import { type EventMap, type RouteMap, WhiskConnection } from "./whisk-connection";

const { route } = createBuilders<object>();
const lab = defineRoutes("lab", { ping: route.input(z.object({})).handle(async () => "pong") });

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Whisk's retry timers on a fake clock; the network stays real. socket.io takes its timer
 * functions when it makes a manager or a transport, so the ones it makes from here on are fake too.
 */
const fakeTheClock = () => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });

/** For tests on a fake clock: polling in Node fires its XHR events with setTimeout, which the clock would hold. */
const WEBSOCKET_ONLY = ["websocket"];

/** Resolves once the state passes `check`: unlike vi.waitFor, it moves no fake clock. */
function reached(connection: WhiskConnection<RouteMap, EventMap>, check: (state: ConnectionState) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check(connection.getState())) return resolve();
    const stop = connection.subscribe(() => {
      if (!check(connection.getState())) return;
      stop();
      resolve();
    });
  });
}

async function startGateway(limits: Partial<GatewayLimits> = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = defineWhiskApp({ routes: [lab], observers: [], workers: [] });
  const whisk = createWhisk({ app, services: {}, nodeId: "client-node", allowedOrigins: [url] });
  const { gateway } = await serveGateway(whisk, cleanups, { port, limits });
  const session = await whisk.sessions.create({ userId: "u1", userName: "One" }, 60_000);
  const validToken = (): Promise<TokenGrant> => whisk.issueToken({ sessionId: session.id, userId: "u1" });
  return { whisk, io: gateway.io, url, session, validToken };
}

function connectionTo(
  url: string,
  getToken: () => Promise<TokenGrant>,
  { maxAuthRetries, transports }: { maxAuthRetries?: number; transports?: string[] } = {},
) {
  const connection = new WhiskConnection<{ "lab.ping": { input: object; output: string } }, Record<string, unknown>>({
    getToken,
    url,
    socketOptions: { extraHeaders: { origin: url }, ...(transports && { transports }) },
    maxAuthRetries,
  });
  const states: ConnectionState[] = [];
  connection.subscribe(() => states.push(connection.getState()));
  cleanups.push(() => connection.close());
  return { connection, states };
}

const connectedSocket = (state: ConnectionState) => (state.status === "connected" ? state.socketId : null);

/** Fixes the jitter's roll: Math.random() returns `roll` (0: the floor, 100 ms after any refusal). */
const rollAlways = (roll: number) => vi.spyOn(Math, "random").mockReturnValue(roll);

/** States that show a failed try: (re)connecting with a lastError, or error. */
const failuresIn = (states: ConnectionState[]) =>
  states.filter((state) => state.status === "error" || ("lastError" in state && state.lastError !== undefined)).length;

/** What a token action that fails looks like to the client: Next.js hides the server's error. */
const actionFailed = () => new Error("An error occurred in the Server Components render.");
const TOKEN_ACTION_FAILED = { code: "INTERNAL", message: "Could not get a ws_token: the token action (getToken) failed." };

/** A getToken that throws until `works` is set, then hands out the gateway's tokens. */
function flakyToken(gateway: { validToken: () => Promise<TokenGrant> }) {
  const control = {
    works: false,
    getToken: vi.fn(async (): Promise<TokenGrant> => {
      if (!control.works) throw actionFailed();
      return gateway.validToken();
    }),
  };
  return control;
}

/**
 * Lets `count` tries fail in a row on the fake clock, Math.random fixed at 0, so each wait is the
 * 100 ms floor: waits for each failure to show, then moves the clock on to the next try.
 */
async function failInARow(connection: WhiskConnection<RouteMap, EventMap>, states: ConnectionState[], count: number) {
  const before = failuresIn(states);
  for (let i = 1; i <= count; i++) {
    await reached(connection, () => failuresIn(states) >= before + i);
    if (i < count) vi.advanceTimersByTime(100);
  }
}

/** A stand-in for the page: `window` for `online`, `document` for `visibilitychange`. */
function fakePage() {
  const page = new EventTarget();
  const tab = Object.assign(new EventTarget(), { visibilityState: "visible" as DocumentVisibilityState });
  vi.stubGlobal("window", page);
  vi.stubGlobal("document", tab);
  return {
    goOnline: () => page.dispatchEvent(new Event("online")),
    show: () => {
      tab.visibilityState = "visible";
      tab.dispatchEvent(new Event("visibilitychange"));
    },
    hide: () => {
      tab.visibilityState = "hidden";
      tab.dispatchEvent(new Event("visibilitychange"));
    },
  };
}

describe("WhiskConnection", () => {
  it("comes back after a pause when disconnected for flooding, having been told RATE_LIMITED", async () => {
    const gateway = await startGateway({ eventBurst: 2, eventsPerSecond: 1, floodDisconnectAfter: 2 });
    const { connection, states } = connectionTo(gateway.url, gateway.validToken, { transports: WEBSOCKET_ONLY });
    connection.open();
    await vi.waitFor(() => expect(connection.getState().status).toBe("connected"), { timeout: 5_000 });
    const first = connectedSocket(connection.getState());
    fakeTheClock();
    rollAlways(0.5);
    const reconnects = vi.spyOn(Socket.prototype, "connect");
    for (let i = 0; i < 10; i++) void connection.emit("lab.ping", {});
    await reached(connection, (state) => state.status === "reconnecting" && state.lastError?.code === "RATE_LIMITED");
    expect(states.some((state) => state.status === "disconnected")).toBe(false);
    // The first pause is one second, so a flood loop cannot hammer the gateway, and jitter adds
    // up to half of it: a quarter of a second at the roll of 0.5.
    vi.advanceTimersByTime(1_249);
    expect(reconnects).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(reconnects).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
    await vi.waitFor(() => expect(connection.getState().status).toBe("connected"), { timeout: 5_000 });
    expect(connectedSocket(connection.getState())).not.toBe(first);
    expect(await connection.emit("lab.ping", {})).toEqual({ status: "ok", data: "pong" });
  });

  it("stays disconnected after a sign-out, and open() connects again afterwards", async () => {
    const gateway = await startGateway();
    const getToken = vi.fn(gateway.validToken);
    const { connection } = connectionTo(gateway.url, getToken, { transports: WEBSOCKET_ONLY });
    const page = fakePage();
    // Before open(), so socket.io's own reconnect timers run on the fake clock too.
    fakeTheClock();
    const reconnects = [vi.spyOn(Socket.prototype, "connect"), vi.spyOn(Manager.prototype, "open")];
    connection.open();
    await reached(connection, (state) => state.status === "connected");
    await gateway.whisk.disconnectUser("u1");
    await reached(connection, (state) => state.status === "disconnected");
    expect(connection.getState()).toEqual({ status: "disconnected", reason: "server" });
    const callsBefore = reconnects.map((spy) => spy.mock.calls.length);
    const tokensBefore = getToken.mock.calls.length;
    // Proving a negative: a minute passes, longer than any back-off, and nothing starts a
    // reconnect; nor does the page coming back online or the tab being shown again.
    vi.advanceTimersByTime(60_000);
    page.goOnline();
    page.hide();
    page.show();
    await new Promise((resolve) => setImmediate(resolve));
    expect(reconnects.map((spy) => spy.mock.calls.length)).toEqual(callsBefore);
    expect(getToken).toHaveBeenCalledTimes(tokensBefore);
    expect(connection.getState()).toEqual({ status: "disconnected", reason: "server" });
    vi.useRealTimers();
    connection.open();
    await vi.waitFor(() => expect(connection.getState().status).toBe("connected"), { timeout: 5_000 });
    expect(await connection.emit("lab.ping", {})).toEqual({ status: "ok", data: "pong" });
  });

  it.each(["open", "retryNow"] as const)("after a refusal no retry fixes, %s() starts a fresh connection", async (restart) => {
    const gateway = await startGateway();
    let good = false;
    const getToken = async (): Promise<TokenGrant> => {
      if (!good) throw new WhiskError("FORBIDDEN", "Not yet.");
      return gateway.validToken();
    };
    const { connection } = connectionTo(gateway.url, getToken);
    connection.open();
    await vi.waitFor(() => expect(connection.getState()).toEqual({ status: "error", error: { code: "FORBIDDEN", message: "Not yet." } }), {
      timeout: 5_000,
    });
    good = true;
    connection[restart]();
    await vi.waitFor(() => expect(connection.getState().status).toBe("connected"), { timeout: 5_000 });
  });

  it("retries a refused token for ever, showing the error past maxAuthRetries, and connects once a token is good", async () => {
    const gateway = await startGateway();
    let good = false;
    const getToken = vi.fn(async (): Promise<TokenGrant> => (good ? gateway.validToken() : { token: "not-a-token", expiresAt: 0 }));
    const { connection, states } = connectionTo(gateway.url, getToken, { maxAuthRetries: 0, transports: WEBSOCKET_ONLY });
    fakeTheClock();
    rollAlways(0);
    connection.open();
    await failInARow(connection, states, 10);
    // With maxAuthRetries 0, the first refusal already shows as an error; none stops the retries.
    expect(states.map((state) => state.status)).toEqual(["connecting", ...Array(10).fill("error")]);
    expect(connection.getState()).toMatchObject({ status: "error", error: { code: "TOKEN_INVALID" }, retryAt: expect.any(Number) });
    good = true;
    vi.advanceTimersByTime(100);
    await reached(connection, (state) => state.status === "connected");
    expect(getToken).toHaveBeenCalledTimes(11);
  });

  it("reconnects by itself when the server cuts the transport (a slow reader), without showing a sign-out", async () => {
    const gateway = await startGateway();
    const { connection, states } = connectionTo(gateway.url, gateway.validToken);
    connection.open();
    await vi.waitFor(() => expect(connection.getState().status).toBe("connected"), { timeout: 5_000 });
    const first = connectedSocket(connection.getState());
    for (const socket of gateway.io.of("/").sockets.values()) socket.conn.close(true);
    await vi.waitFor(() => expect(connectedSocket(connection.getState())).not.toBeNull(), { timeout: 8_000 });
    await vi.waitFor(() => expect(connectedSocket(connection.getState())).not.toBe(first), { timeout: 8_000 });
    expect(states.map((state) => state.status)).toContain("reconnecting");
    expect(states.some((state) => state.status === "disconnected")).toBe(false);
  });
});

describe("WhiskConnection when getToken throws", () => {
  it("shows INTERNAL from the token action, not TOKEN_MISSING, while retrying and past maxAuthRetries, and keeps trying", async () => {
    const gateway = await startGateway();
    const token = flakyToken(gateway);
    const { connection, states } = connectionTo(gateway.url, token.getToken, { maxAuthRetries: 1, transports: WEBSOCKET_ONLY });
    fakeTheClock();
    rollAlways(0.5);
    const connects = vi.spyOn(Socket.prototype, "connect");
    connection.open();
    await reached(connection, (state) => state.status === "connecting" && state.lastError !== undefined);
    expect(connection.getState()).toEqual({ status: "connecting", attempt: 2, lastError: TOKEN_ACTION_FAILED });
    const firstTry = connects.mock.calls.length;
    // The retry comes after refusalDelay(1, 0.5): halfway from the 100 ms floor to 250 ms.
    vi.advanceTimersByTime(174);
    expect(connects).toHaveBeenCalledTimes(firstTry);
    vi.advanceTimersByTime(1);
    expect(connects).toHaveBeenCalledTimes(firstTry + 1);
    // The 2nd refusal in a row passes maxAuthRetries (1): the error shows, with the next try's time.
    await reached(connection, (state) => state.status === "error");
    const shownAt = Date.now();
    const { retryAt } = connection.getState() as { retryAt?: number };
    expect(connection.getState()).toEqual({ status: "error", error: TOKEN_ACTION_FAILED, retryAt });
    // refusalDelay(2, 0.5): halfway from 100 ms to 500 ms.
    expect(retryAt).toBeGreaterThanOrEqual(shownAt + 300 - 50);
    expect(retryAt).toBeLessThanOrEqual(shownAt + 300);
    vi.advanceTimersByTime(299);
    expect(connects).toHaveBeenCalledTimes(firstTry + 1);
    token.works = true;
    vi.advanceTimersByTime(1);
    expect(connects).toHaveBeenCalledTimes(firstTry + 2);
    await reached(connection, (state) => state.status === "connected");
    const shown = states.flatMap((state) =>
      state.status === "error" ? [state.error.code] : "lastError" in state && state.lastError ? [state.lastError.code] : [],
    );
    expect(shown).toEqual(["INTERNAL", "INTERNAL"]);
  });

  it("keeps trying through 20 failures of getToken in a row, and connects when it works again", async () => {
    const gateway = await startGateway();
    const token = flakyToken(gateway);
    const { connection, states } = connectionTo(gateway.url, token.getToken, { transports: WEBSOCKET_ONLY });
    fakeTheClock();
    rollAlways(0);
    connection.open();
    await failInARow(connection, states, 20);
    // One getToken() per try: a failed first one is not asked again for the handshake.
    expect(token.getToken).toHaveBeenCalledTimes(20);
    // Six failures show as connecting (maxAuthRetries, 6 by default), the rest as an error; never a stop.
    expect(states.map((state) => state.status)).toEqual(["connecting", ...Array(6).fill("connecting"), ...Array(14).fill("error")]);
    expect(connection.getState()).toMatchObject({ status: "error", error: TOKEN_ACTION_FAILED, retryAt: expect.any(Number) });
    token.works = true;
    vi.advanceTimersByTime(100);
    await reached(connection, (state) => state.status === "connected");
    expect(token.getToken).toHaveBeenCalledTimes(21);
    expect(await connection.emit("lab.ping", {})).toEqual({ status: "ok", data: "pong" });
  });

  it("keeps the code of a WhiskError that getToken throws", async () => {
    const gateway = await startGateway();
    const getToken = async (): Promise<TokenGrant> => {
      throw new WhiskError("FORBIDDEN", "This account may not chat.");
    };
    const { connection } = connectionTo(gateway.url, getToken);
    connection.open();
    await vi.waitFor(() => expect(connection.getState().status).toBe("error"), { timeout: 5_000 });
    // FORBIDDEN is not something a retry fixes: it stops at once, with the thrower's message.
    expect(connection.getState()).toEqual({ status: "error", error: { code: "FORBIDDEN", message: "This account may not chat." } });
  });
});

describe("WhiskConnection tries at once", () => {
  /** A connection whose getToken failed 8 times in a row, now waiting the longest back-off (~30 s). */
  async function waitingLong() {
    const gateway = await startGateway();
    const token = flakyToken(gateway);
    const { connection, states } = connectionTo(gateway.url, token.getToken, { transports: WEBSOCKET_ONLY });
    fakeTheClock();
    const random = rollAlways(0);
    connection.open();
    await failInARow(connection, states, 7);
    // The 8th wait is refusalDelay(8, 0.99): 29.7 s.
    random.mockReturnValue(0.99);
    vi.advanceTimersByTime(100);
    await reached(connection, () => failuresIn(states) === 8);
    const state = connection.getState();
    expect(state.status === "error" && state.retryAt !== undefined && state.retryAt - Date.now()).toBeGreaterThan(29_000);
    const connects = vi.spyOn(Socket.prototype, "connect");
    return { gateway, token, connection, states, connects };
  }

  it("on retryNow(), during a long back-off, with a fresh token, and cancels the wait", async () => {
    const { token, connection, connects } = await waitingLong();
    token.works = true;
    connection.retryNow();
    // The fake clock does not move: only retryNow() can have connected it.
    await reached(connection, (state) => state.status === "connected");
    expect(token.getToken).toHaveBeenCalledTimes(9);
    const tries = connects.mock.calls.length;
    // Past the cancelled wait (29.7 s), short of engine.io's own ping timeout (45 s) on this clock.
    vi.advanceTimersByTime(30_000);
    expect(connects).toHaveBeenCalledTimes(tries);
    expect(token.getToken).toHaveBeenCalledTimes(9);
    expect(connection.getState().status).toBe("connected");
  });

  it("on retryNow() that fails too: the error stays, and the next wait is as long as the policy says", async () => {
    const { token, connection, states } = await waitingLong();
    connection.retryNow();
    await reached(connection, () => failuresIn(states) === 9);
    expect(token.getToken).toHaveBeenCalledTimes(9);
    expect(connection.getState()).toMatchObject({ status: "error", error: TOKEN_ACTION_FAILED });
    token.works = true;
    // refusalDelay(9, 0.99) again: 29.7 s, not the 30 s the first wait had left.
    vi.advanceTimersByTime(29_000);
    expect(token.getToken).toHaveBeenCalledTimes(9);
    vi.advanceTimersByTime(1_000);
    await reached(connection, (state) => state.status === "connected");
  });

  it("when the page comes back online", async () => {
    const page = fakePage();
    const { token, connection } = await waitingLong();
    token.works = true;
    page.goOnline();
    await reached(connection, (state) => state.status === "connected");
    expect(token.getToken).toHaveBeenCalledTimes(9);
  });

  it("when the tab is shown again, not when it is hidden", async () => {
    const page = fakePage();
    const { token, connection } = await waitingLong();
    token.works = true;
    page.hide();
    await new Promise((resolve) => setImmediate(resolve));
    expect(token.getToken).toHaveBeenCalledTimes(8);
    page.show();
    await reached(connection, (state) => state.status === "connected");
    expect(token.getToken).toHaveBeenCalledTimes(9);
  });

  it("not once it is connected: online and a shown tab do nothing then", async () => {
    const page = fakePage();
    const gateway = await startGateway();
    const getToken = vi.fn(gateway.validToken);
    const { connection } = connectionTo(gateway.url, getToken);
    connection.open();
    await vi.waitFor(() => expect(connection.getState().status).toBe("connected"), { timeout: 5_000 });
    const socketId = connectedSocket(connection.getState());
    page.goOnline();
    page.show();
    connection.retryNow();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(getToken).toHaveBeenCalledTimes(1);
    expect(connectedSocket(connection.getState())).toBe(socketId);
  });

  it("not after close(): it removes its listeners", async () => {
    const page = fakePage();
    const { token, connection } = await waitingLong();
    connection.close();
    token.works = true;
    page.goOnline();
    page.show();
    connection.retryNow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(token.getToken).toHaveBeenCalledTimes(8);
    expect(connection.getState()).toEqual({ status: "disconnected", reason: "closed" });
  });

  it("installs one pair of listeners however often it is opened, and removes them on close()", async () => {
    const page = new EventTarget();
    const tab = new EventTarget();
    vi.stubGlobal("window", page);
    vi.stubGlobal("document", tab);
    const added = [vi.spyOn(page, "addEventListener"), vi.spyOn(tab, "addEventListener")];
    const removed = [vi.spyOn(page, "removeEventListener"), vi.spyOn(tab, "removeEventListener")];
    const gateway = await startGateway();
    const { connection } = connectionTo(gateway.url, gateway.validToken);
    connection.open();
    connection.open();
    expect(added.map((spy) => spy.mock.calls.map(([type]) => type))).toEqual([["online"], ["visibilitychange"]]);
    connection.reconnect();
    connection.close();
    connection.close();
    expect(removed.map((spy) => spy.mock.calls.map(([type]) => type))).toEqual([
      ["online", "online"],
      ["visibilitychange", "visibilitychange"],
    ]);
    expect(added.map((spy) => spy.mock.calls.length)).toEqual([2, 2]);
  });
});
