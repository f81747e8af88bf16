import type { Server as HttpServer } from "node:http";
import { Bus } from "../bus/bus";
import type { StopConsuming } from "../bus/transport";
import { toSession, toUser } from "../core/address";
import { DEFAULT_GUEST_SESSION_TTL_MS, DEFAULT_SESSION_COOKIE, DEFAULT_SESSION_TTL_MS, DEFAULT_TOKEN_TTL_MS } from "../core/defaults";
import { DISCONNECT_TOPIC } from "../core/protocol";
import type { WhiskRuntime } from "../next/whisk-runtime";
import type { SessionStore } from "../session/session-store";
import type { IssuedToken, TokenStore } from "../session/token-store";
import { type Backend, createMemoryBackend } from "./backend";
import type { HandlerContext } from "./definitions";
import { devtoolsRoutes } from "./devtools-routes";
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
  services: AppContext;
  nodeId: string;
  hooks?: WhiskHooks<AppContext>;
  logger?: Logger;
  /**
   * Where state is kept and shared: `createRedisBackend(...)` across processes; memory (one
   * process, embedded mode) by default. Whisk owns it from here on: `close` closes it.
   */
  backend?: Backend;
  /**
   * Exact origins (scheme://host:port) whose pages may connect to the gateway and call the
   * token action. None by default: a browser page is refused until its origin is listed.
   */
  allowedOrigins?: readonly string[];
  /** How long a ws_token lives; DEFAULT_TOKEN_TTL_MS by default. */
  tokenTtlMs?: number;
  /** How long a session lives from its last use; DEFAULT_SESSION_TTL_MS by default. */
  sessionTtlMs?: number;
  /** prom-client's default Node metrics (CPU, memory, event loop, GC) in `metrics.registry`; on by default. */
  defaultMetrics?: boolean;
  /**
   * OpenTelemetry spans for every route, job and bus delivery, and envelopes that carry the
   * trace from process to process; off by default. Spans go to the SDK the app registers
   * (server/tracing.ts); without one they go nowhere.
   */
  tracing?: boolean;
  /**
   * Answers the devtools panel (whisk/react/devtools): the app's routes and schemas, the socket's
   * rooms and who is present on every node. Development only: off by default, and while off every
   * `whisk.*` devtools route is refused with FORBIDDEN.
   */
  devtools?: boolean;
}

/** What Next.js needs that only the process knows: the cookie's secret and where pages connect. */
export interface NextRuntimeOptions {
  /** iron-session password, 32+ characters. */
  sessionSecret: string;
  secureCookies: boolean;
  cookieName?: string;
  /** The gateway a page should connect to next (a web-only node); unset: the page's own origin. */
  pickGatewayUrl?: () => Promise<string | undefined>;
}

/** A running Whisk instance (see `createWhisk`). */
export type Whisk<AppContext> = WhiskInstance<AppContext>;

/**
 * One Whisk instance: no singletons, so tests can run several nodes in one process.
 *
 * @example
 * const whisk = createWhisk({ app, services: { rooms }, nodeId: "ws-1", allowedOrigins: ["http://localhost:3000"] });
 * whisk.attachGateway(httpServer);
 * whisk.startWorkers();
 */
export function createWhisk<AppContext>(options: WhiskOptions<AppContext>): Whisk<AppContext> {
  return new WhiskInstance(options);
}

class WhiskInstance<AppContext> {
  readonly nodeId: string;
  readonly bus: Bus;
  readonly backend: Backend;
  readonly tokens: TokenStore;
  readonly sessions: SessionStore;
  readonly log: Logger;
  readonly handlerContext: HandlerContext<AppContext>;
  /** This instance's Prometheus metrics; serve them with `handleHealth(req, res, { ..., metrics: whisk.metrics.registry })`. */
  readonly metrics: WhiskMetrics;
  private readonly allowedOrigins: readonly string[];
  private readonly gateways: Gateway<AppContext>[] = [];
  private readonly stops: StopConsuming[] = [];
  /** Set once this process runs workers: it reports their queues' depth from then on. */
  private stopReportingQueues: (() => void) | undefined;
  /** The app's code, replaced by `replaceCode` (development reload). */
  private app: WhiskAppDefinition;
  private hooks: WhiskHooks<AppContext>;

  constructor(private readonly options: WhiskOptions<AppContext>) {
    this.nodeId = options.nodeId;
    this.log = options.logger ?? createLogger({ nodeId: options.nodeId });
    this.backend = options.backend ?? createMemoryBackend(this.log);
    this.tokens = this.backend.tokens;
    this.sessions = this.backend.sessions;
    const transport = this.backend.transport;
    this.metrics = createWhiskMetrics({
      nodeId: options.nodeId,
      defaultMetrics: options.defaultMetrics,
      busChannels: transport.stats ? () => transport.stats?.().channels ?? 0 : undefined,
    });
    this.bus = new Bus(transport, options.nodeId, {
      tracing: options.tracing,
      onSent: (kind, topic) => this.metrics.busSent.inc({ kind, topic }),
    });
    this.allowedOrigins = options.allowedOrigins ?? [];
    this.app = options.app;
    this.hooks = options.hooks ?? {};
    this.handlerContext = {
      services: options.services,
      bus: this.bus,
      sessions: this.sessions,
      history: this.backend.history,
      node: { id: options.nodeId },
      log: this.log,
    };
  }

  /**
   * Attaches a gateway to an HTTP server this process owns; it admits pages from `allowedOrigins`.
   * `otherGateways`: where pages reach gateways directly, the URLs of the others, which resume
   * tokens carry so a client whose gateway dies moves with its token, not through the web tier.
   */
  attachGateway(
    httpServer: HttpServer,
    gatewayOptions: { trustedProxies?: readonly string[]; limits?: Partial<GatewayLimits>; otherGateways?: () => Promise<string[]> } = {},
  ): Gateway<AppContext> {
    const gateway = createGateway({
      httpServer,
      app: this.served(this.app),
      handlerContext: this.handlerContext,
      tokens: this.tokens,
      sessions: this.sessions,
      presence: this.backend.presence,
      history: this.backend.history,
      hooks: this.hooks,
      metrics: this.metrics,
      allowedOrigins: this.allowedOrigins,
      ...gatewayOptions,
    });
    this.gateways.push(gateway);
    return gateway;
  }

  /**
   * What the Next.js side (server actions, route handlers) uses of this instance; hand it to
   * `provideWhiskRuntime` from `whisk/next/runtime` in the process that runs Next.
   */
  runtimeForNext(nextOptions: NextRuntimeOptions): WhiskRuntime {
    return {
      sessions: this.sessions,
      issueToken: (session) => this.issueToken(session),
      endSession: (sessionId) => this.endSession(sessionId),
      config: {
        sessionSecret: nextOptions.sessionSecret,
        cookieName: nextOptions.cookieName ?? DEFAULT_SESSION_COOKIE,
        sessionTtlMs: this.options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
        guestSessionTtlMs: DEFAULT_GUEST_SESSION_TTL_MS,
        secureCookies: nextOptions.secureCookies,
        allowedOrigins: this.allowedOrigins,
        pickGatewayUrl: nextOptions.pickGatewayUrl,
      },
    };
  }

  /**
   * Starts consuming the app's worker queues in this process. The returned stop (and `close`)
   * lets the jobs in hand finish and be acknowledged before it resolves.
   */
  startWorkers(): StopConsuming {
    const stop = startWorkers(this.bus, this.app.workers, this.handlerContext, this.metrics);
    this.stops.push(stop);
    this.stopReportingQueues ??= this.metrics.addQueues(() => this.queueDepths());
    return stop;
  }

  /** What the gateways serve: the app's routes, and the devtools' (refused unless `devtools` is on). */
  private served(app: WhiskAppDefinition): WhiskAppDefinition {
    const devtools = devtoolsRoutes({
      enabled: this.options.devtools ?? false,
      app: () => this.app,
      presence: this.backend.presence,
      directory: this.backend.directory,
    });
    return { ...app, routes: [...app.routes, devtools] };
  }

  /** How many jobs each of the app's queues holds, where the transport can tell. */
  private async queueDepths(): Promise<Map<string, number>> {
    const queues = this.app.workers.flatMap((group) => Object.keys(group.workers).map((key) => `${group.name}.${key}`));
    const depths = new Map<string, number>();
    for (const queue of queues) {
      const depth = await this.bus.queueDepth(queue);
      if (depth !== undefined) depths.set(queue, depth);
    }
    return depths;
  }

  /**
   * Runs new app code in place: `npm run dev` calls it when a file under server/ changes. Every
   * gateway checks the code first (nothing changes if one refuses it, and this throws); then the
   * next event, bus message and hook on every socket run it, without a disconnect. Workers let
   * the jobs in hand finish and start again on the new groups; `services`, when given, replace
   * `ctx.services` for every handler from then on.
   */
  async replaceCode(code: { app: WhiskAppDefinition; hooks?: WhiskHooks<AppContext>; services?: AppContext }): Promise<void> {
    const hooks = code.hooks ?? {};
    const swaps = this.gateways.map((gateway) => gateway.prepareSwap({ app: this.served(code.app), hooks }));
    const restartWorkers = this.stops.length > 0;
    await Promise.all(this.stops.splice(0).map((stop) => stop()));
    this.app = code.app;
    this.hooks = hooks;
    if (code.services !== undefined) this.handlerContext.services = code.services;
    for (const swap of swaps) swap();
    if (restartWorkers) this.startWorkers();
  }

  /** Mints a one-time ws_token for an existing session. */
  issueToken(session: { sessionId: string; userId: string }): Promise<IssuedToken> {
    return this.tokens.issue(session, this.options.tokenTtlMs ?? DEFAULT_TOKEN_TTL_MS);
  }

  /** Disconnects every socket of a session on every gateway, and ends the session. */
  async endSession(sessionId: string): Promise<void> {
    await this.sessions.delete(sessionId);
    await this.bus.publishControl(DISCONNECT_TOPIC, {}, [toSession(sessionId)]);
  }

  /** Disconnects every socket of a user on every gateway. */
  async disconnectUser(userId: string): Promise<void> {
    await this.bus.publishControl(DISCONNECT_TOPIC, {}, [toUser(userId)]);
  }

  /** Resolves once this node receives bus messages; await it before accepting traffic. */
  ready(): Promise<void> {
    return this.backend.transport.ready();
  }

  /** Moves this node's clients to other gateways (see Gateway.drain); for a graceful shutdown. */
  async drain(drainOptions?: { timeoutMs?: number }): Promise<{ moved: number; left: number }> {
    const results = await Promise.all(this.gateways.map((gateway) => gateway.drain(drainOptions)));
    return { moved: sumOf(results, "moved"), left: sumOf(results, "left") };
  }

  /** Stops workers and gateways, then closes the backend. */
  async close(): Promise<void> {
    // Workers first: the jobs they hold finish (and may still publish) before anything closes.
    await Promise.all(this.stops.splice(0).map((stop) => stop()));
    this.stopReportingQueues?.();
    await Promise.all(this.gateways.map((gateway) => gateway.close()));
    await this.backend.close();
  }
}

function sumOf<Key extends string>(results: readonly Record<Key, number>[], key: Key): number {
  return results.reduce((sum, each) => sum + each[key], 0);
}
