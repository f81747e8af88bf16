import type { Server as HttpServer } from "node:http";
import { Server, type Socket } from "socket.io";
import { sessionRoom, userRoom } from "../core/address";
import { toErrorPayload, toWhiskError, WhiskError } from "../core/errors";
import { DRAIN_EVENT, ERROR_EVENT, WELCOME_EVENT, type Welcome, WHISK_PATH } from "../core/protocol";
import { failed, ok } from "../core/result";
import type { PresenceStore } from "../presence/presence-store";
import type { SessionStore } from "../session/session-store";
import type { TokenStore } from "../session/token-store";
import { AddressRateLimit } from "./address-rate-limit";
import { authMiddleware, type SocketIdentity } from "./auth-middleware";
import { clientAddress, limitKey, TrustedProxies } from "./client-address";
import { closeAt } from "./close-at";
import { limitConnectAttempts } from "./connect-attempts";
import { connectError } from "./connect-error";
import { createConnectionSlots } from "./connection-slots";
import type { HandlerContext, RouteContext } from "./definitions";
import { DeliveryQueue } from "./delivery-queue";
import { createEventRateGuard, disconnectFlooder } from "./event-rate-guard";
import { DEFAULT_LIMITS, type GatewayLimits } from "./gateway-limits";
import { startGatewayWatchdog } from "./gateway-watchdog";
import type { ConnectionInfo, WhiskHooks } from "./hooks";
import type { WhiskMetrics } from "./metrics";
import { createObserverTable, deliverEnvelope } from "./observer-delivery";
import { isOriginAllowed } from "./origin-allow-list";
import { type MeasuredConnection, OutboundBytes } from "./outbound-bytes";
import { PresenceTracker } from "./presence-tracker";
import { SocketRouteContext } from "./route-context";
import { createRouteTable, runRoute } from "./route-table";
import { SampledLog } from "./sampled-log";
import { SlowClientQueues } from "./slow-client-queues";
import type { WhiskAppDefinition } from "./whisk-app";

export interface GatewayOptions<AppContext> {
  httpServer: HttpServer;
  app: WhiskAppDefinition;
  handlerContext: HandlerContext<AppContext>;
  tokens: TokenStore;
  sessions: SessionStore;
  presence: PresenceStore;
  hooks: WhiskHooks<AppContext>;
  /** Exact origins (scheme://host:port) whose pages may connect. */
  allowedOrigins: readonly string[];
  /**
   * Addresses of the proxies in front (e.g. nginx): behind one of them, a client's address for
   * per-address limits is read from X-Forwarded-For. Empty (the default): the TCP peer.
   */
  trustedProxies?: readonly string[];
  /** Per-connection limits; each defaults to DEFAULT_LIMITS. */
  limits?: Partial<GatewayLimits>;
  /** Where the gateway counts sockets and slow-client outcomes. */
  metrics: WhiskMetrics;
  path?: string;
}

export interface Gateway {
  readonly io: Server;
  /**
   * Stops taking connections, asks every client to move to another gateway, and resolves once
   * they have all gone or `timeoutMs` has passed.
   */
  drain(options?: { timeoutMs?: number }): Promise<{ moved: number; left: number }>;
  close(): Promise<void>;
}

/**
 * The socket.io gateway of one node: origin check, token middleware, room joins, route dispatch,
 * and delivery of bus messages to the sockets it holds.
 */
export function createGateway<AppContext>(options: GatewayOptions<AppContext>): Gateway {
  const { handlerContext: base, hooks } = options;
  const limits: GatewayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = base.log.child({ component: "gateway" });
  const routes = createRouteTable(options.app.routes);
  for (const [event, { route }] of routes) {
    if ((route.cost ?? 1) > limits.eventBurst) {
      throw new Error(
        `Route "${event}" costs ${route.cost} events, more than the gateway's eventBurst (${limits.eventBurst}): it could never be called.`,
      );
    }
  }
  const presence = new PresenceTracker({ store: options.presence, bus: base.bus, log });
  const observers = createObserverTable(options.app.observers);

  const { metrics } = options;
  // A flood of refusals is one line per second or so, with a count of the rest, not a line each.
  const refusalLog = new SampledLog(log, 5);
  const reportAuthFailure = (error: WhiskError, origin: string | undefined, address: string) => {
    metrics.handshakeRefusals.inc({ code: error.code });
    refusalLog.warn({ code: error.code, origin: origin?.slice(0, 200), address }, "handshake refused");
    runHook(() => hooks.onAuthFailure?.({ error, origin, address }, base));
  };
  const trustedProxies = new TrustedProxies(options.trustedProxies);
  const handshakesByAddress = new AddressRateLimit({
    capacity: limits.handshakeBurstPerAddress,
    perSecond: limits.handshakesPerSecondPerAddress,
  });
  const outbound = new OutboundBytes({
    budgetBytes: limits.maxBufferedBytes,
    onCut: (bytes) => {
      refusalLog.warn({ bytes }, "connection over its outbound byte budget cut off");
      metrics.slowClientDisconnects.inc({ topic: "", reason: "max_buffered_bytes" });
    },
  });

  const addressOf = (socket: Socket) => (socket.request as { whiskClientAddress?: string }).whiskClientAddress ?? socket.handshake.address;

  const runHook = (hook: () => void | Promise<void> | undefined) => {
    Promise.resolve()
      .then(hook)
      .catch((error) => log.error({ err: error }, "a lifecycle hook threw"));
  };

  const io = new Server(options.httpServer, {
    path: options.path ?? WHISK_PATH,
    serveClient: false,
    maxHttpBufferSize: limits.maxPayloadBytes,
    // A connection that never completes the socket.io handshake is closed after this.
    connectTimeout: limits.handshakeTimeoutMs,
    // Next.js shares this HTTP server and handles its own upgrades (hot reload): leave them alone.
    destroyUpgrade: false,
    cors: { origin: [...options.allowedOrigins], credentials: true },
    // Runs for each new engine.io connection (not for its later requests or its upgrade).
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      const address = clientAddress(req, trustedProxies);
      // Kept on the request: refusals after this one log the client, not the proxy in front.
      (req as { whiskClientAddress?: string }).whiskClientAddress = address;
      const refusal = !isOriginAllowed(origin, options.allowedOrigins)
        ? "ORIGIN_NOT_ALLOWED"
        : !handshakesByAddress.take(limitKey(address))
          ? "RATE_LIMITED"
          : undefined;
      if (refusal) reportAuthFailure(connectError(refusal).whisk, origin, address);
      callback(refusal ?? null, refusal === undefined);
    },
  });
  io.engine.on("connection", (connection: MeasuredConnection) => outbound.watch(connection));

  let draining = false;
  const slots = createConnectionSlots(limits.maxConnectionsPerUser);

  io.use(
    limitConnectAttempts(limits.maxConnectAttempts, (socket) =>
      reportAuthFailure(connectError("RATE_LIMITED").whisk, socket.handshake.headers.origin, addressOf(socket)),
    ),
  );

  io.use(async (socket, next) => {
    if (draining) return next(connectError("DRAINING"));
    await authMiddleware(options.tokens, options.sessions)(socket, (error) => {
      const whisk = (error as { whisk?: WhiskError } | undefined)?.whisk;
      if (whisk) reportAuthFailure(whisk, socket.handshake.headers.origin, addressOf(socket));
      if (whisk?.code === "INTERNAL") log.error({ err: error?.cause }, "token check failed");
      if (error) return next(error);
      const { user } = socket.data.identity as SocketIdentity;
      if (!slots.reserve(socket, user.id)) {
        const refusal = connectError("LIMIT_REACHED");
        reportAuthFailure(refusal.whisk, socket.handshake.headers.origin, addressOf(socket));
        return next(refusal);
      }
      next();
    });
  });

  io.on("connection", async (socket: Socket) => {
    const identity = socket.data.identity as SocketIdentity;
    const connection: ConnectionInfo = { socketId: socket.id, sessionId: identity.sessionId, user: identity.user };
    const ctx = new SocketRouteContext(socket, identity, base, presence, limits.maxRoomsPerSocket);
    const rate = createEventRateGuard({
      capacity: limits.eventBurst,
      perSecond: limits.eventsPerSecond,
      disconnectAfter: limits.floodDisconnectAfter,
    });

    socket.onAny((event: unknown, ...args: unknown[]) => {
      const ack = typeof args.at(-1) === "function" ? (args.pop() as (reply: unknown) => void) : undefined;
      const name = typeof event === "string" ? event : String(event);
      const verdict = rate.check(routes.get(name)?.route.cost);
      if (verdict === "allow") return handleEvent(name, args[0], ctx, ack, socket);
      reply(socket, name, ack, new WhiskError("RATE_LIMITED"));
      if (verdict === "disconnect") {
        log.warn({ socket: socket.id, user: identity.user.id }, "flooding socket disconnected");
        disconnectFlooder(socket);
      }
    });
    // The session's end is known: close the socket then, not at the next revalidation.
    const expiry = closeAt(identity.sessionExpiresAt, () => socket.disconnect(true));
    socket.on("disconnect", (reason) => {
      expiry.cancel();
      presence.leaveAll(socket.id).catch((error) => log.warn({ err: String(error) }, "presence leave failed"));
      runHook(() => hooks.onDisconnect?.(connection, reason, base));
    });

    await socket.join([userRoom(identity.user.id), sessionRoom(identity.sessionId), `node:${base.node.id}`]);
    const welcome: Welcome = { nodeId: base.node.id, socketId: socket.id, user: identity.user };
    socket.emit(WELCOME_EVENT, welcome);
    runHook(() => hooks.onConnect?.(connection, base));
  });

  const handleEvent = (
    event: string,
    payload: unknown,
    ctx: RouteContext<AppContext>,
    ack: ((reply: unknown) => void) | undefined,
    socket: Socket,
  ) => {
    runRoute(routes, event, payload, ctx)
      // Inside the chain: a value socket.io cannot serialise (a BigInt, a cycle) throws here,
      // and must become this client's INTERNAL error, not an unhandled rejection.
      .then((data) => ack?.(ok(data ?? null)))
      .catch((thrown: unknown) => {
        const error = toWhiskError(thrown);
        if (error.code === "INTERNAL") log.error({ err: error.cause, event: event.slice(0, 100) }, "route handler threw");
        try {
          reply(socket, event, ack, error);
        } catch (replyError) {
          log.error({ err: replyError }, "could not send an error reply");
        }
      });
  };

  /** An error goes back as the ack when there is one, else as a whisk.error event. */
  const reply = (socket: Socket, event: string, ack: ((reply: unknown) => void) | undefined, error: WhiskError) => {
    const body = toErrorPayload(error);
    if (ack) ack(failed(body));
    else socket.emit(ERROR_EVENT, { event: event.slice(0, 100), error: body });
  };

  const stopWatchdog = startGatewayWatchdog({
    io,
    sessions: options.sessions,
    log,
    maxBufferedPackets: limits.maxBufferedPackets,
    revalidateEveryMs: limits.revalidateEveryMs,
    onSlowReaderCut: () => metrics.slowClientDisconnects.inc({ topic: "", reason: "max_buffered" }),
  });

  const slowClients = new SlowClientQueues({
    slowAfterPackets: limits.slowClientAfterPackets,
    slowAfterBytes: limits.slowClientAfterBytes,
    bytesHeld: (connection) => outbound.held(connection as unknown as MeasuredConnection),
    events: {
      dropped: (topic) => metrics.slowClientDropped.inc({ topic }),
      replaced: (topic) => metrics.slowClientReplaced.inc({ topic }),
      disconnected: (topic, socketId) => {
        log.warn({ socket: socketId, topic }, "slow reader cut by its observer's policy");
        metrics.slowClientDisconnects.inc({ topic, reason: "policy" });
      },
    },
  });
  const stopMetrics = metrics.addGateway({ sockets: () => io.of("/").sockets.size, queued: () => slowClients.queued });

  const deliveries = new DeliveryQueue((envelope) =>
    deliverEnvelope(io, observers, envelope, base, slowClients).catch((error) =>
      log.error({ err: error, topic: envelope.topic }, "observer threw; message not delivered"),
    ),
  );
  const stopDelivery = base.bus.onPublished((envelope) => deliveries.push(envelope));

  return {
    io,
    async drain({ timeoutMs = 20_000 } = {}) {
      draining = true;
      const sockets = io.of("/").sockets;
      const before = sockets.size;
      io.local.emit(DRAIN_EVENT);
      const deadline = Date.now() + timeoutMs;
      while (sockets.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      log.info({ moved: before - sockets.size, left: sockets.size }, "drained");
      return { moved: before - sockets.size, left: sockets.size };
    },
    async close() {
      stopWatchdog();
      stopMetrics();
      await presence.close({ leave: true }).catch(() => {});
      stopDelivery();
      slowClients.close();
      // Closing the transports (not a socket.io "disconnect") tells clients to reconnect, as on
      // any outage; a server-sent disconnect would read as a logout. Not io.close(): that would
      // also close the HTTP server, which belongs to the caller.
      io.engine.close();
    },
  };
}
