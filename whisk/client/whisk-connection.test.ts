/**
 * How WhiskConnection's state follows the ways a connection ends, against a real gateway in this
 * process: a flood (told, then back after a pause), a sign-out (final, until `open()` again), a
 * refusal past the retries (the same), and a transport cut (back by itself). Whisk's pauses run
 * on a fake clock, so each is checked to the millisecond without being waited out.
 */
import { createServer } from "node:http";
import { Manager, Socket } from "socket.io-client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { WhiskError } from "../core/errors";
import type { TokenGrant } from "../core/protocol";
import { createBuilders, defineRoutes, defineWhiskApp } from "../server";
import { createWhisk, type GatewayLimits } from "../server/host";
import { freePort } from "../testing/free-port";
import type { ConnectionState } from "./connection-state";
import { type EventMap, type RouteMap, WhiskConnection } from "./whisk-connection";

const { route } = createBuilders<object>();
const lab = defineRoutes("lab", { ping: route.input(z.object({})).handle(async () => "pong") });

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
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
  const server = createServer();
  const gateway = whisk.attachGateway(server, { limits });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  cleanups.push(async () => {
    await whisk.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
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

describe("WhiskConnection", () => {
  it("comes back after a pause when disconnected for flooding, having been told RATE_LIMITED", async () => {
    const gateway = await startGateway({ eventBurst: 2, eventsPerSecond: 1, floodDisconnectAfter: 2 });
    const { connection, states } = connectionTo(gateway.url, gateway.validToken, { transports: WEBSOCKET_ONLY });
    connection.open();
    await vi.waitFor(() => expect(connection.getState().status).toBe("connected"), { timeout: 5_000 });
    const first = connectedSocket(connection.getState());
    fakeTheClock();
    const reconnects = vi.spyOn(Socket.prototype, "connect");
    for (let i = 0; i < 10; i++) void connection.emit("lab.ping", {});
    await reached(connection, (state) => state.status === "reconnecting" && state.lastError?.code === "RATE_LIMITED");
    expect(states.some((state) => state.status === "disconnected")).toBe(false);
    // The first pause is delayFor(3): one second, so a flood loop cannot hammer the gateway.
    vi.advanceTimersByTime(999);
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
    const { connection } = connectionTo(gateway.url, gateway.validToken, { transports: WEBSOCKET_ONLY });
    // Before open(), so socket.io's own reconnect timers run on the fake clock too.
    fakeTheClock();
    const reconnects = [vi.spyOn(Socket.prototype, "connect"), vi.spyOn(Manager.prototype, "open")];
    connection.open();
    await reached(connection, (state) => state.status === "connected");
    await gateway.whisk.disconnectUser("u1");
    await reached(connection, (state) => state.status === "disconnected");
    expect(connection.getState()).toEqual({ status: "disconnected", reason: "server" });
    const callsBefore = reconnects.map((spy) => spy.mock.calls.length);
    // Proving a negative: a minute passes, longer than any back-off, and nothing starts a reconnect.
    vi.advanceTimersByTime(60_000);
    expect(reconnects.map((spy) => spy.mock.calls.length)).toEqual(callsBefore);
    expect(connection.getState()).toEqual({ status: "disconnected", reason: "server" });
    vi.useRealTimers();
    connection.open();
    await vi.waitFor(() => expect(connection.getState().status).toBe("connected"), { timeout: 5_000 });
    expect(await connection.emit("lab.ping", {})).toEqual({ status: "ok", data: "pong" });
  });

  it("after failing for good, open() starts a fresh connection", async () => {
    const gateway = await startGateway();
    let good = false;
    const getToken = async (): Promise<TokenGrant> =>
      good ? gateway.validToken() : { token: "not-a-token", expiresAt: Date.now() + 10_000 };
    const { connection } = connectionTo(gateway.url, getToken, { maxAuthRetries: 0 });
    connection.open();
    await vi.waitFor(() => expect(connection.getState()).toMatchObject({ status: "error", error: { code: "TOKEN_INVALID" } }), {
      timeout: 5_000,
    });
    good = true;
    connection.open();
    await vi.waitFor(() => expect(connection.getState().status).toBe("connected"), { timeout: 5_000 });
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
  it("shows INTERNAL from the token action, not TOKEN_MISSING, while retrying and once it gives up", async () => {
    const gateway = await startGateway();
    const getToken = vi.fn(async (): Promise<TokenGrant> => {
      throw new Error("An error occurred in the Server Components render.");
    });
    const { connection, states } = connectionTo(gateway.url, getToken, { maxAuthRetries: 1, transports: WEBSOCKET_ONLY });
    fakeTheClock();
    const connects = vi.spyOn(Socket.prototype, "connect");
    connection.open();
    await reached(connection, (state) => state.status === "connecting" && state.lastError !== undefined);
    const firstTry = connects.mock.calls.length;
    // The one retry allowed comes after delayFor(1): 250 ms.
    vi.advanceTimersByTime(249);
    expect(connects).toHaveBeenCalledTimes(firstTry);
    vi.advanceTimersByTime(1);
    expect(connects).toHaveBeenCalledTimes(firstTry + 1);
    vi.useRealTimers();
    await vi.waitFor(() => expect(connection.getState().status).toBe("error"), { timeout: 5_000 });
    expect(connection.getState()).toEqual({
      status: "error",
      error: { code: "INTERNAL", message: "Could not get a ws_token: the token action (getToken) failed." },
    });
    const shown = states.flatMap((state) => ("lastError" in state && state.lastError ? [state.lastError.code] : []));
    expect(shown).toEqual(["INTERNAL"]);
    expect(getToken.mock.calls.length).toBeGreaterThanOrEqual(2);
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
