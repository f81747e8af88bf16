/**
 * Tokens handed in advance, against a real gateway in this process: the page's initial grant
 * (the first connect asks `getToken()` nothing) and the gateway's resume token (a reconnect asks
 * nothing either); each single-use, and either one refused falls back to `getToken()` at once,
 * with no error shown. A sign-in change (`reconnect()`) never carries one over.
 */
import { io as ioClient } from "socket.io-client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { RESUME_EVENT, type TokenGrant } from "../core/protocol";
import { createBuilders, defineRoutes, defineWhiskApp } from "../server";
import { createWhisk, type GatewayLimits } from "../server/host";
import { freePort } from "../testing/free-port";
import { connectAs, serveGateway } from "../testing/in-process-gateway";
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
  const whisk = createWhisk({
    app: defineWhiskApp({ routes: [lab], observers: [], workers: [] }),
    services: {},
    nodeId: "n1",
    allowedOrigins: [url],
  });
  // Tokens on connect unless a test says otherwise (the default waits 10 s).
  const { gateway } = await serveGateway(whisk, cleanups, { port, limits: { resumeTokenFirstAfterMs: 0, ...limits } });
  const session = await whisk.sessions.create({ userId: "u1", userName: "One" }, 60_000);
  const mint = (): Promise<TokenGrant> => whisk.issueToken({ sessionId: session.id, userId: "u1" });
  return { whisk, io: gateway.io, url, session, mint };
}

function connectionTo(url: string, getToken: () => Promise<TokenGrant>, initialGrant?: TokenGrant) {
  const connection = new WhiskConnection<{ "lab.ping": { input: object; output: string } }, Record<string, unknown>>({
    getToken,
    url,
    initialGrant,
    socketOptions: { extraHeaders: { origin: url }, transports: ["websocket"] },
  });
  const states: ConnectionState["status"][] = [];
  connection.subscribe(() => states.push(connection.getState().status));
  cleanups.push(() => connection.close());
  return { connection, states };
}

const connected = (connection: WhiskConnection<never, never>) =>
  vi.waitFor(() => expect(connection.getState().status).toBe("connected"), { timeout: 5_000 });

/** The resume tokens the gateway hands out, as sockets receive them. */
function watchResumeTokens(io: Awaited<ReturnType<typeof startGateway>>["io"]): string[] {
  const handed: string[] = [];
  io.on("connection", (socket) => {
    const emit = socket.emit.bind(socket);
    socket.emit = ((event: string, ...args: unknown[]) => {
      if (event === RESUME_EVENT) handed.push((args[0] as TokenGrant).token);
      return emit(event, ...args);
    }) as typeof socket.emit;
  });
  return handed;
}

/** A connection to a fresh gateway, connected and holding its first resume token. */
async function connectedWithResumeToken() {
  const gateway = await startGateway();
  const handed = watchResumeTokens(gateway.io);
  const getToken = vi.fn(gateway.mint);
  const { connection } = connectionTo(gateway.url, getToken);
  connection.open();
  await connected(connection as never);
  await vi.waitFor(() => expect(handed).toHaveLength(1));
  return { ...gateway, handed, getToken, connection };
}

describe("a token minted with the page", () => {
  it("makes the first connect without a call to getToken()", async () => {
    const { url, mint } = await startGateway();
    const getToken = vi.fn(mint);
    const { connection } = connectionTo(url, getToken, await mint());
    connection.open();
    await connected(connection as never);
    expect(getToken).not.toHaveBeenCalled();
    expect(await connection.emit("lab.ping", {})).toEqual({ status: "ok", data: "pong" });
  });

  it("refused (already used), falls back to getToken() at once, without showing an error", async () => {
    const { whisk, url, mint } = await startGateway();
    const used = await mint();
    await whisk.tokens.consume(used.token);
    const getToken = vi.fn(mint);
    const { connection, states } = connectionTo(url, getToken, used);
    connection.open();
    await connected(connection as never);
    expect(getToken).toHaveBeenCalledTimes(1);
    expect(states).not.toContain("error");
    expect(states).not.toContain("reconnecting");
  });

  it("expired by the page's clock, is not even tried", async () => {
    const { url, mint } = await startGateway();
    const getToken = vi.fn(mint);
    const stale = { ...(await mint()), expiresAt: Date.now() - 1 };
    const { connection } = connectionTo(url, getToken, stale);
    connection.open();
    await connected(connection as never);
    expect(getToken).toHaveBeenCalledTimes(1);
  });
});

describe("the gateway's resume token", () => {
  it("brings a dropped connection back without a call to getToken(), and works once only", async () => {
    const { whisk, io, handed, getToken, connection } = await connectedWithResumeToken();
    expect(getToken).toHaveBeenCalledTimes(1);

    // A network cut: the client reconnects by itself, with the token it holds.
    for (const socket of io.of("/").sockets.values()) socket.conn.close(true);
    await vi.waitFor(() => expect(handed).toHaveLength(2), { timeout: 10_000 });
    await connected(connection as never);
    expect(getToken).toHaveBeenCalledTimes(1);
    // Used: a second try with it is refused (it is a ws_token like any other).
    expect(await whisk.tokens.consume(handed[0] as string)).toBeNull();
    // The new socket's own is live.
    expect(await whisk.tokens.consume(handed[1] as string)).toMatchObject({ userId: "u1" });
  });

  it("is renewed while the socket stays connected", async () => {
    const { whisk, io, url, mint } = await startGateway({ resumeTokenRenewAfterMs: 200 });
    const handed = watchResumeTokens(io);
    const { connection } = connectionTo(url, vi.fn(mint));
    connection.open();
    await connected(connection as never);
    await vi.waitFor(() => expect(handed.length).toBeGreaterThanOrEqual(3), { timeout: 5_000 });
    expect(new Set(handed).size).toBe(handed.length);
    // Each renewal spends the one it replaces: once renewals stop, only the newest works.
    connection.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const live = [];
    for (const token of handed) live.push(await whisk.tokens.consume(token));
    expect(live.slice(0, -1)).toEqual(handed.slice(0, -1).map(() => null));
    expect(live.at(-1)).toMatchObject({ userId: "u1" });
  });

  it("comes once the socket has been connected resumeTokenFirstAfterMs, not with its handshake; a socket gone sooner costs none", async () => {
    const { whisk, io, url, session } = await startGateway({ resumeTokenFirstAfterMs: 400 });
    const handed = watchResumeTokens(io);
    const connect = () => connectAs(whisk, url, { id: "u1", sessionId: session.id }, { origin: url, cleanups });
    const brief = await connect();
    brief.close();
    const connectedAt = Date.now();
    const staying = await connect();
    const issued = vi.spyOn(whisk.tokens, "issue");
    let arrivedAt = 0;
    staying.once(RESUME_EVENT, () => {
      arrivedAt = Date.now();
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(handed).toHaveLength(0);
    await vi.waitFor(() => expect(handed).toHaveLength(1), { timeout: 3_000 });
    expect(arrivedAt - connectedAt).toBeGreaterThanOrEqual(400);
    // Only the socket that stayed was given one: the brief one cost no token write.
    expect(issued).toHaveBeenCalledTimes(1);
  });

  it("is kept when an app listener on the same event is added and removed: a dropped connection still comes back on it", async () => {
    const { io, url, mint } = await startGateway({ resumeTokenFirstAfterMs: 300 });
    const handed = watchResumeTokens(io);
    const getToken = vi.fn(mint);
    const { connection } = connectionTo(url, getToken);
    connection.open();
    await connected(connection as never);
    // Before the token comes: removing the app's listener must leave the connection's own.
    const stop = connection.on("whisk.resume" as "lab.ping", () => {});
    stop();
    await vi.waitFor(() => expect(handed).toHaveLength(1), { timeout: 3_000 });
    for (const socket of io.of("/").sockets.values()) socket.conn.close(true);
    await vi.waitFor(() => expect(handed).toHaveLength(2), { timeout: 10_000 });
    expect(getToken).toHaveBeenCalledTimes(1);
  });

  it("is never used for another session: reconnect() asks getToken()", async () => {
    const { url, mint } = await startGateway();
    const getToken = vi.fn(mint);
    const { connection } = connectionTo(url, getToken);
    connection.open();
    await connected(connection as never);
    await new Promise((resolve) => setTimeout(resolve, 100));
    connection.reconnect();
    await connected(connection as never);
    expect(getToken).toHaveBeenCalledTimes(2);
  });

  it("dies with its session: the handshake refuses it, and the client drops it when sent away", async () => {
    const { whisk, url, session, handed, getToken, connection } = await connectedWithResumeToken();
    await whisk.endSession(session.id);
    await vi.waitFor(() => expect(connection.getState()).toMatchObject({ status: "disconnected", reason: "server" }));
    // Anyone holding it (a copy taken from the page, say) is refused: its session is gone.
    const thief = ioClient(url, {
      path: "/whisk",
      auth: { token: handed[0] },
      extraHeaders: { origin: url },
      transports: ["websocket"],
      reconnection: false,
    });
    cleanups.push(() => thief.close());
    const refusal = await new Promise<Error & { data?: { code?: string } }>((resolve) => thief.once("connect_error", resolve));
    expect(refusal.data?.code).toBe("UNAUTHORIZED");
    // Opened again (a new sign-in), the client asks getToken(): it kept no token of the old session.
    connection.open();
    await vi.waitFor(() => expect(getToken).toHaveBeenCalledTimes(2));
  });
});
