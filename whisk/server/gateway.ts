import type { Server as HttpServer } from "node:http";
import { Server, type Socket } from "socket.io";
import { nodeRoom, sessionRoom, userRoom } from "../core/address";
import { WhiskError } from "../core/errors";
import { DRAIN_EVENT, WELCOME_EVENT, type Welcome, WHISK_PATH } from "../core/protocol";
import type { PresenceStore } from "../presence/presence-store";
import type { SessionStore } from "../session/session-store";
import type { TokenStore } from "../session/token-store";
import { admitSockets } from "./admission";
import type { SocketIdentity } from "./auth-middleware";
import { closeAt } from "./close-at";
import type { HandlerContext } from "./definitions";
import { DeliveryQueue } from "./delivery-queue";
import { dispatchEvents } from "./event-dispatch";
import { DEFAULT_LIMITS, type GatewayLimits } from "./gateway-limits";
import { startGatewayWatchdog } from "./gateway-watchdog";
import { createHandshakeGate, type ReportRefusal } from "./handshake-gate";
import type { ConnectionInfo, WhiskHooks } from "./hooks";
import type { WhiskMetrics } from "./metrics";
import { createObserverTable, deliverEnvelope } from "./observer-delivery";
import { type MeasuredConnection, OutboundBytes } from "./outbound-bytes";
import { PresenceTracker } from "./presence-tracker";
import { SocketRouteContext } from "./route-context";
import { createRouteTable, type RouteEntry } from "./route-table";
import { SampledLog } from "./sampled-log";
import { SlowClientQueues } from "./slow-client-queues";
import { waitUntilEmpty } from "./wait-until-empty";
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
  const { handlerContext: base, hooks, metrics } = options;
  const limits: GatewayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = base.log.child({ component: "gateway" });
  const routes = createRouteTable(options.app.routes);
  checkRouteCosts(routes, limits.eventBurst);
  const presence = new PresenceTracker({ store: options.presence, bus: base.bus, log });
  const observers = createObserverTable(options.app.observers);
  const runHook = (hook: () => void | Promise<void> | undefined) => {
    Promise.resolve()
      .then(hook)
      .catch((error) => log.error({ err: error }, "a lifecycle hook threw"));
  };

  // A flood of refusals is a few lines a second, each with the count of the rest, not a line each.
  const refusalLog = new SampledLog(log, 5);
  const refuse: ReportRefusal = (code, origin, address) => {
    metrics.handshakeRefusals.inc({ code });
    refusalLog.warn({ code, origin: origin?.slice(0, 200), address }, "handshake refused");
    runHook(() => hooks.onAuthFailure?.({ error: new WhiskError(code), origin, address }, base));
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
    allowRequest: createHandshakeGate({ allowedOrigins: options.allowedOrigins, trustedProxies: options.trustedProxies, limits, refuse }),
  });

  const outbound = new OutboundBytes({
    budgetBytes: limits.maxBufferedBytes,
    onCut: (bytes) => {
      refusalLog.warn({ bytes }, "connection over its outbound byte budget cut off");
      metrics.slowClientDisconnects.inc({ topic: "", reason: "max_buffered_bytes" });
    },
  });
  io.engine.on("connection", (connection: MeasuredConnection) => outbound.watch(connection));

  let draining = false;
  admitSockets(io, { tokens: options.tokens, sessions: options.sessions, limits, isDraining: () => draining, refuse, log });

  io.on("connection", async (socket: Socket) => {
    const identity = socket.data.identity as SocketIdentity;
    const connection: ConnectionInfo = { socketId: socket.id, sessionId: identity.sessionId, user: identity.user };
    const ctx = new SocketRouteContext(socket, identity, base, presence, limits.maxRoomsPerSocket);
    dispatchEvents(socket, ctx, { routes, limits, log });
    // The session's end is known: close the socket then, not at the next revalidation.
    const expiry = closeAt(identity.sessionExpiresAt, () => socket.disconnect(true));
    socket.on("disconnect", (reason) => {
      expiry.cancel();
      presence.leaveAll(socket.id).catch((error) => log.warn({ err: String(error) }, "presence leave failed"));
      runHook(() => hooks.onDisconnect?.(connection, reason, base));
    });

    await socket.join([userRoom(identity.user.id), sessionRoom(identity.sessionId), nodeRoom(base.node.id)]);
    const welcome: Welcome = { nodeId: base.node.id, socketId: socket.id, user: identity.user };
    socket.emit(WELCOME_EVENT, welcome);
    runHook(() => hooks.onConnect?.(connection, base));
  });

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
      await waitUntilEmpty(io.of("/"), timeoutMs);
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

/** A route costing more events than a socket's burst could never be called: refused at start. */
function checkRouteCosts(routes: ReadonlyMap<string, RouteEntry>, eventBurst: number): void {
  for (const [event, { route }] of routes) {
    if ((route.cost ?? 1) > eventBurst) {
      throw new Error(
        `Route "${event}" costs ${route.cost} events, more than the gateway's eventBurst (${eventBurst}): it could never be called.`,
      );
    }
  }
}
