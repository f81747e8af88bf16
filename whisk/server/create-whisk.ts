import { randomBytes } from "node:crypto";
import type { Server as HttpServer } from "node:http";
import { Bus } from "../bus/bus";
import { MemoryTransport } from "../bus/memory-transport";
import type { BusTransport, StopConsuming } from "../bus/transport";
import { toSession, toUser } from "../core/address";
import { DISCONNECT_TOPIC } from "../core/protocol";
import { MemoryPresenceStore } from "../presence/memory-presence-store";
import type { PresenceStore } from "../presence/presence-store";
import { MemorySessionStore } from "../session/memory-session-store";
import { MemoryTokenStore } from "../session/memory-token-store";
import type { SessionStore } from "../session/session-store";
import type { IssuedToken, TokenStore } from "../session/token-store";
import type { HandlerContext } from "./definitions";
import { createGateway, type Gateway } from "./gateway";
import type { GatewayLimits } from "./gateway-limits";
import type { WhiskHooks } from "./hooks";
import { createLogger, type Logger } from "./logger";
import { createWhiskMetrics, type WhiskMetrics } from "./metrics";
import type { WhiskAppDefinition } from "./whisk-app";
import { startWorkers } from "./worker-runner";

export interface WhiskOptions<AppContext> {
  app: WhiskAppDefinition;
  /** The app's own models and services, handed to every route, observer, worker and hook. */
  context: AppContext;
  nodeId: string;
  hooks?: WhiskHooks<AppContext>;
  logger?: Logger;
  /** Defaults to memory (embedded mode); the Redis ones share state across processes. */
  transport?: BusTransport;
  tokens?: TokenStore;
  sessions?: SessionStore;
  presence?: PresenceStore;
  tokenTtlMs?: number;
  sessionTtlMs?: number;
  /** prom-client's default Node metrics (CPU, memory, event loop, GC) in `metrics.registry`; on by default. */
  defaultMetrics?: boolean;
}

export interface Whisk<AppContext> {
  readonly nodeId: string;
  readonly bus: Bus;
  readonly tokens: TokenStore;
  readonly sessions: SessionStore;
  readonly log: Logger;
  readonly handlerContext: HandlerContext<AppContext>;
  /** This instance's Prometheus metrics; serve them with `handleHealth(req, res, { ..., metrics: whisk.metrics.registry })`. */
  readonly metrics: WhiskMetrics;
  /** Attaches a gateway to an HTTP server this process owns. */
  attachGateway(
    httpServer: HttpServer,
    options: { allowedOrigins: readonly string[]; trustedProxies?: readonly string[]; limits?: Partial<GatewayLimits> },
  ): Gateway;
  /**
   * Starts consuming the app's worker queues in this process. The returned stop (and `close`)
   * lets the jobs in hand finish and be acknowledged before it resolves.
   */
  startWorkers(): StopConsuming;
  /** Mints a one-time ws_token for an existing session. */
  issueToken(session: { sessionId: string; userId: string }): Promise<IssuedToken>;
  /** Disconnects every socket of a session on every gateway, and ends the session. */
  endSession(sessionId: string): Promise<void>;
  /** Disconnects every socket of a user on every gateway. */
  disconnectUser(userId: string): Promise<void>;
  /** Moves this node's clients to other gateways (see Gateway.drain); for a graceful shutdown. */
  drain(options?: { timeoutMs?: number }): Promise<{ moved: number; left: number }>;
  /** Resolves once this node receives bus messages; await it before accepting traffic. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * One Whisk instance: no singletons, so tests can run several nodes in one process.
 *
 * @example
 * const whisk = createWhisk({ app, context: { rooms }, nodeId: "ws-1" });
 * whisk.attachGateway(httpServer, { allowedOrigins: ["http://localhost:3000"] });
 * whisk.startWorkers();
 */
export function createWhisk<AppContext>(options: WhiskOptions<AppContext>): Whisk<AppContext> {
  const log = options.logger ?? createLogger({ nodeId: options.nodeId });
  const transport =
    options.transport ?? new MemoryTransport((error, envelope) => log.error({ err: error, topic: envelope.topic }, "job failed"));
  const bus = new Bus(transport, options.nodeId);
  const tokens = options.tokens ?? new MemoryTokenStore();
  const sessions = options.sessions ?? new MemorySessionStore();
  const presence = options.presence ?? new MemoryPresenceStore();
  const tokenTtlMs = options.tokenTtlMs ?? 10_000;
  const handlerContext: HandlerContext<AppContext> = { app: options.context, bus, sessions, node: { id: options.nodeId }, log };
  const metrics = createWhiskMetrics({ nodeId: options.nodeId, defaultMetrics: options.defaultMetrics });
  const gateways: Gateway[] = [];
  const stops: StopConsuming[] = [];

  return {
    nodeId: options.nodeId,
    bus,
    tokens,
    sessions,
    log,
    handlerContext,
    metrics,
    attachGateway(httpServer, gatewayOptions) {
      const gateway = createGateway({
        httpServer,
        app: options.app,
        handlerContext,
        tokens,
        sessions,
        presence,
        hooks: options.hooks ?? {},
        metrics,
        ...gatewayOptions,
      });
      gateways.push(gateway);
      return gateway;
    },
    startWorkers() {
      const stop = startWorkers(bus, options.app.workers, handlerContext);
      stops.push(stop);
      return stop;
    },
    issueToken(session) {
      return tokens.issue(session, tokenTtlMs);
    },
    async endSession(sessionId) {
      await sessions.delete(sessionId);
      await bus.publishControl(DISCONNECT_TOPIC, {}, [toSession(sessionId)]);
    },
    async disconnectUser(userId) {
      await bus.publishControl(DISCONNECT_TOPIC, {}, [toUser(userId)]);
    },
    ready: () => transport.ready(),
    async drain(drainOptions) {
      const results = await Promise.all(gateways.map((gateway) => gateway.drain(drainOptions)));
      return results.reduce((sum, each) => ({ moved: sum.moved + each.moved, left: sum.left + each.left }), { moved: 0, left: 0 });
    },
    async close() {
      // Workers first: the jobs they hold finish (and may still publish) before anything closes.
      await Promise.all(stops.splice(0).map((stop) => stop()));
      await Promise.all(gateways.map((gateway) => gateway.close()));
      await Promise.all([transport.close(), tokens.close(), sessions.close()]);
    },
  };
}

/** A node id for processes that were not given one: readable, and unique enough for one host. */
export function defaultNodeId(role: string): string {
  return `${role}-${randomBytes(2).toString("hex")}`;
}
