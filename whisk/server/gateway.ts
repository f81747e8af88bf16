import type { Server as HttpServer } from "node:http";
import type { Server } from "socket.io";
import { DRAIN_EVENT } from "../core/protocol";
import type { HistoryStore } from "../history/history-store";
import type { PresenceStore } from "../presence/presence-store";
import type { SessionStore } from "../session/session-store";
import type { TokenStore } from "../session/token-store";
import { admitSockets } from "./admission";
import { startBusDelivery } from "./bus-delivery";
import { SessionEnds } from "./close-at";
import type { HandlerContext } from "./definitions";
import { DEFAULT_LIMITS, type GatewayLimits } from "./gateway-limits";
import { startGatewayWatchdog } from "./gateway-watchdog";
import { createHookRunner } from "./hook-runner";
import type { WhiskHooks } from "./hooks";
import type { WhiskMetrics } from "./metrics";
import { type MeasuredConnection, OutboundBytes } from "./outbound-bytes";
import { PresenceTracker } from "./presence-tracker";
import { createRefusalReports } from "./refusal-reports";
import { handOutResumeTokens } from "./resume-tokens";
import type { RouteEntry } from "./route-table";
import { createSocketServer } from "./socket-server";
import { type AppCode, SwappableCode } from "./swappable-code";
import { waitUntilEmpty } from "./wait-until-empty";
import { welcomeSockets } from "./welcome-sockets";
import type { WhiskAppDefinition } from "./whisk-app";

export interface GatewayOptions<AppContext> {
  httpServer: HttpServer;
  app: WhiskAppDefinition;
  handlerContext: HandlerContext<AppContext>;
  tokens: TokenStore;
  sessions: SessionStore;
  presence: PresenceStore;
  /** Where kept room messages are, to fill a bus gap from. */
  history: HistoryStore;
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
  /** The other live gateways' URLs, where pages reach gateways directly: sent with resume tokens. */
  otherGateways?: () => Promise<string[]>;
}

export interface Gateway<AppContext = unknown> {
  readonly io: Server;
  /**
   * Stops taking connections, asks every client to move to another gateway, and resolves once
   * they have all gone or `timeoutMs` has passed.
   */
  drain(options?: { timeoutMs?: number }): Promise<{ moved: number; left: number }>;
  close(): Promise<void>;
  /**
   * Checks new app code (a development reload) and returns its swap: after it, the next event,
   * bus message and hook run the new routes, observers and hooks, on the same sockets. Throws,
   * changing nothing, when the code cannot be served.
   */
  prepareSwap(code: AppCode<AppContext>): () => void;
}

/**
 * The socket.io gateway of one node: the handshake gate and admission (origin, address limits,
 * token, user slots), every socket's setup and event dispatch, the watchdog over slow readers and
 * ended sessions, and delivery of bus messages to the sockets it holds.
 */
export function createGateway<AppContext>(options: GatewayOptions<AppContext>): Gateway<AppContext> {
  const { handlerContext: ctx, metrics } = options;
  const limits: GatewayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = ctx.log.child({ component: "gateway" });
  const code = new SwappableCode({ app: options.app, hooks: options.hooks }, (routes) => checkRouteCosts(routes, limits.eventBurst));
  const { routes, observers, hooks } = code;
  const runHook = createHookRunner(log);
  const { refuse, outboundCut } = createRefusalReports({ log, metrics, hooks, runHook, ctx });

  const io = createSocketServer(options.httpServer, { ...options, limits, refuse, bus: ctx.bus });
  const outbound = new OutboundBytes({ budgetBytes: limits.maxBufferedBytes, onCut: outboundCut });
  io.engine.on("connection", (connection: MeasuredConnection) => outbound.watch(connection));

  let draining = false;
  admitSockets(io, { tokens: options.tokens, sessions: options.sessions, limits, isDraining: () => draining, refuse, log });
  const presence = new PresenceTracker({ store: options.presence, bus: ctx.bus, log });
  const sessionEnds = new SessionEnds(io.of("/"));
  welcomeSockets(io, { ctx, presence, sessionEnds, routes, limits, hooks, runHook, metrics, log });
  const resumeTokens = handOutResumeTokens(io, {
    tokens: options.tokens,
    ttlMs: limits.resumeTokenTtlMs,
    renewAfterMs: limits.resumeTokenRenewAfterMs,
    firstAfterMs: limits.resumeTokenFirstAfterMs,
    otherGateways: options.otherGateways,
    log,
  });

  const stopWatchdog = startGatewayWatchdog({
    io,
    sessions: options.sessions,
    log,
    maxBufferedPackets: limits.maxBufferedPackets,
    revalidateEveryMs: limits.revalidateEveryMs,
    onSlowReaderCut: () => metrics.slowClientDisconnects.inc({ topic: "", reason: "max_buffered" }),
  });
  const delivery = startBusDelivery(io, { observers, history: options.history, ctx, limits, outbound, metrics, log });
  const stopMetrics = metrics.addGateway({ sockets: () => io.of("/").sockets.size, queued: () => delivery.slowClients.queued });

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
    prepareSwap: (next) => code.prepareSwap(next),
    async close() {
      stopWatchdog();
      sessionEnds.stop();
      resumeTokens.stop();
      stopMetrics();
      await presence.close({ leave: true }).catch(() => {});
      delivery.stop();
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
