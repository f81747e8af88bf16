/**
 * How WhiskConnection's state follows the ways a connection ends, against a real gateway in this
 * process: a flood (told, then back after a pause), a sign-out (final, until `open()` again), a
 * refusal past the retries (the same), and a transport cut (back by itself).
 */
import { createServer } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { WhiskError } from "../core/errors";
import type { TokenGrant } from "../core/protocol";
import { createBuilders, createWhisk, defineRoutes, defineWhiskApp, type GatewayLimits } from "../server";
import { freePort } from "../testing/free-port";
import type { ConnectionState } from "./connection-state";
import { WhiskConnection } from "./whisk-connection";

const { route } = createBuilders<object>();
const lab = defineRoutes("lab", { ping: route.input(z.object({})).handle(async () => "pong") });

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startGateway(limits: Partial<GatewayLimits> = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = defineWhiskApp({ routes: [lab], observers: [], workers: [] });
  const whisk = createWhisk({ app, context: {}, nodeId: "client-node", allowedOrigins: [url] });
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

function connectionTo(url: string, getToken: () => Promise<TokenGrant>, options: { maxAuthRetries?: number } = {}) {
  const connection = new WhiskConnection<{ "lab.ping": { input: object; output: string } }, Record<string, unknown>>({
    getToken,
    url,
    socketOptions: { extraHeaders: { origin: url } },
    ...options,
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
    const { connection, states } = connectionTo(gateway.url, gateway.validToken);
    connection.open();
    await vi.waitFor(() => expect(connection.getState().status).toBe("connected"), { timeout: 5_000 });
    const first = connectedSocket(connection.getState());
    for (let i = 0; i < 10; i++) void connection.emit("lab.ping", {});
    await vi.waitFor(() => expect(connection.getState()).toMatchObject({ status: "reconnecting", lastError: { code: "RATE_LIMITED" } }));
    expect(states.some((state) => state.status === "disconnected")).toBe(false);
    const pausedAt = Date.now();
    await vi.waitFor(() => expect(connection.getState().status).toBe("connected"), { timeout: 5_000 });
    // The first pause is delayFor(3): one second, so a flood loop cannot hammer the gateway.
    expect(Date.now() - pausedAt).toBeGreaterThanOrEqual(900);
    expect(connectedSocket(connection.getState())).not.toBe(first);
    expect(await connection.emit("lab.ping", {})).toEqual({ status: "ok", data: "pong" });
  });

  it("stays disconnected after a sign-out, and open() connects again afterwards", async () => {
    const gateway = await startGateway();
    const { connection } = connectionTo(gateway.url, gateway.validToken);
    connection.open();
    await vi.waitFor(() => expect(connection.getState().status).toBe("connected"), { timeout: 5_000 });
    await gateway.whisk.disconnectUser("u1");
    await vi.waitFor(() => expect(connection.getState()).toEqual({ status: "disconnected", reason: "server" }));
    // Proving a negative: no reconnect happens by itself.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(connection.getState()).toEqual({ status: "disconnected", reason: "server" });
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
    const { connection, states } = connectionTo(gateway.url, getToken, { maxAuthRetries: 1 });
    connection.open();
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
