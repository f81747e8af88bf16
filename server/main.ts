/**
 * The app's server. One HTTP server and one port per process; WHISK_ROLE picks what runs on it:
 * - all (default): Next.js, the gateway and the workers in one process, state in memory
 *   (or in Redis when REDIS_URL is set): `npm run dev`, or `npm run build && npm start`;
 * - web: Next.js, which issues ws_tokens and tells pages which gateway to use;
 * - ws: only the socket.io gateway; worker: only the workers (plus health endpoints).
 */
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import nextEnv from "@next/env";
import {
  type Backend,
  createLogger,
  createMemoryBackend,
  createRedisBackend,
  createRequestRateLimit,
  createWhisk,
  handleHealth,
  keepAnnouncing,
  limitConnectionsPerAddress,
  silencePacketDebug,
  TrustedProxies,
} from "whisk/host";
// The runtime file alone, not whisk/next's index: that one loads next/headers, which belongs in Next's own bundle.
import { provideWhiskRuntime } from "whisk/next/runtime";
import { app } from "./app";
import { devSessionSecret, devStatePaths } from "./dev-state";
import { readSettings, type Settings, SettingsError } from "./env";
import { hooks } from "./hooks";
import { createServices } from "./services";
import { startTracing, stopTracing } from "./tracing";

// `npm start` runs the compiled server: production unless NODE_ENV says otherwise, so the script
// needs no `NODE_ENV=production` prefix (which Windows' cmd does not understand).
// (NODE_ENV is read-only in Next's types, not at run time.)
if (import.meta.url.endsWith("/dist/server.mjs") && process.env.NODE_ENV === undefined) {
  Object.assign(process.env, { NODE_ENV: "production" });
}
nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
silencePacketDebug();

let settings: Settings;
try {
  settings = readSettings(process.env);
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  console.error(`Whisk cannot start. ${error.message}`);
  process.exit(1);
}

// In development, readable lines among Next's own output; in production, JSON for the log pipeline.
// pino-pretty is a development dependency: imported only here, never in production.
const destination = settings.dev ? (await import("pino-pretty")).default({ colorize: true, ignore: "pid,hostname" }) : undefined;
const log = createLogger({ nodeId: settings.nodeId, level: settings.logLevel, destination }).child({ role: settings.role });
// Development keeps its sessions (and, without SESSION_SECRET, their cookies' secret) on disk, so a
// restart after editing server code signs nobody out. readSettings allows no missing secret in production.
const devState = settings.dev ? devStatePaths(settings.devStateDir) : undefined;
const sessionSecret = settings.sessionSecretGenerated && devState ? devSessionSecret(devState.secret) : settings.sessionSecret;
if (settings.sessionSecretGenerated) {
  log.warn(`SESSION_SECRET is not set: using a development one kept in ${settings.devStateDir}. Set it in .env.local before you deploy.`);
}
const runs = {
  web: settings.role === "all" || settings.role === "web",
  gateway: settings.role === "all" || settings.role === "ws",
  workers: settings.role === "all" || settings.role === "worker",
};

// Next.js starts tracing from instrumentation.ts where it runs; the other roles start it here.
if (settings.tracing && !runs.web) await startTracing({ name: "whisk-app", instance: settings.nodeId });

let backend: Backend;
try {
  backend = settings.redis
    ? await createRedisBackend({ redis: settings.redis, prefix: settings.redisPrefix, consumerName: settings.nodeId, log })
    : createMemoryBackend(log, { sessionsFile: devState?.sessions });
} catch (error) {
  console.error(`Whisk cannot start. ${(error as Error).message}`);
  process.exit(1);
}

const whisk = createWhisk({
  app,
  services: createServices({ history: backend.history }),
  nodeId: settings.nodeId,
  hooks,
  logger: log,
  backend,
  allowedOrigins: settings.allowedOrigins,
  tokenTtlMs: settings.tokenTtlMs,
  sessionTtlMs: settings.sessionTtlMs,
  tracing: settings.tracing,
  // The devtools panel's server side: `npm run dev` only; a production server refuses it.
  devtools: settings.dev,
});

// Next.js (web role) answers every request the health endpoints and the gateway do not.
let handleRequest = (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
};
let nextApp: { close(): Promise<void> } | undefined;
// Next.js adds its own upgrade listener (hot reload) to the server it is given, or else to the
// first request's: there it would also route every socket's upgrade (CPU, and 1.6 KB kept per
// socket). It is given this emitter instead, and only the upgrades that are not the gateway's.
const nextUpgrades = new EventEmitter();
// The upgraded connections handed to Next.js (hot reload, one per open tab in development): an
// upgraded socket leaves the HTTP server's bookkeeping, so `server.close` would wait for each tab
// to go (30 s, until the forced exit). Shutdown closes them itself.
const nextSockets = new Set<Duplex>();

if (runs.web) {
  const directory = backend.directory;
  provideWhiskRuntime(
    whisk.runtimeForNext({
      sessionSecret,
      secureCookies: settings.secureCookies,
      // A web-only process sends pages to a live gateway; an all-in-one serves them itself.
      pickGatewayUrl: settings.role === "web" && directory ? () => directory.pick() : undefined,
    }),
  );
  const { default: next } = await import("next");
  const created = next({
    dev: settings.dev,
    hostname: settings.host ?? "localhost",
    port: settings.port,
    httpServer: nextUpgrades as unknown as Server,
  });
  await created.prepare();
  const handleNext = created.getRequestHandler();
  // Tokens, sign-ins and guest sessions are minted by POSTs: a budget per client address.
  const refuseOverBudget = createRequestRateLimit({
    perSecond: settings.postsPerAddress,
    trustedProxies: settings.trustedProxies,
    onRefused: () => whisk.metrics.requestRefusals.inc(),
  });
  handleRequest = (req, res) => {
    if (!refuseOverBudget(req, res)) void handleNext(req, res);
  };
  nextApp = created;
}

/**
 * Bounds on every HTTP connection, so a client that sends slowly or not at all cannot hold one.
 * requestTimeout counts only until the request has arrived, never while the answer is awaited:
 * it cannot cut a socket.io long-polling GET, which engine.io holds up to pingInterval (25 s).
 */
const HTTP_LIMITS = {
  /** The request line and headers must arrive within 10 s (a silent or slowloris connection). */
  headersTimeout: 10_000,
  /** The whole request, body included, within 30 s (a slow-body POST); 1 MB takes 33 KB/s. */
  requestTimeout: 30_000,
  /**
   * An idle keep-alive connection closes after 65 s: longer than the 60 s idle timeout of common
   * load balancers, so they close first rather than send a request on a closing connection (a 502).
   */
  keepAliveTimeout: 65_000,
  /** How often the two timeouts are checked; Node's default (30 s) would let a slow body live 60 s. */
  connectionsCheckingInterval: 2_000,
};

const health = {
  nodeId: settings.nodeId,
  role: settings.role,
  readiness: { backend: () => backend.isHealthy(), accepting: () => !stopping },
};
// /metrics tells whoever asks the Node version, memory and socket counts: on this public port it
// answers only WHISK_METRICS_TOKEN's bearers (without a token it is not found here).
const publicHealth = {
  ...health,
  metrics: settings.metricsToken ? whisk.metrics.registry : undefined,
  metricsToken: settings.metricsToken,
};
const server = createServer(HTTP_LIMITS, (req, res) => {
  if (!handleHealth(req, res, publicHealth)) handleRequest(req, res);
});
server.maxConnections = settings.maxConnections;
// A connection on which nothing moves either way for 60 s is closed: an answer its client never
// reads (a long poll answered, then parked) would otherwise hold its bytes for ever. A socket.io
// poll is answered within 25 s (pingInterval); WebSockets set their own (ws clears this timer).
server.timeout = 60_000;
limitConnectionsPerAddress(server, {
  max: settings.connectionsPerAddress,
  trustedProxies: new TrustedProxies(settings.trustedProxies),
  onRefused: () => whisk.metrics.connectionRefusals.inc({ reason: "per_address" }),
});
server.on("drop", () => whisk.metrics.connectionRefusals.inc({ reason: "max_connections" }));

// WHISK_METRICS_PORT: the scraper's own port, for /metrics and detailed health, and nothing else.
const privateHealth = { ...health, details: true, metrics: whisk.metrics.registry, metricsToken: settings.metricsToken };
const metricsServer =
  settings.metricsPort === undefined
    ? undefined
    : createServer(HTTP_LIMITS, (req, res) => {
        if (!handleHealth(req, res, privateHealth)) res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
      });

// The gateway owns upgrades under /whisk/; in development Next.js the rest (hot reload). Any
// other upgrade is closed, so it cannot hold a file descriptor for ever.
server.on("upgrade", (req, socket, head) => {
  if (runs.gateway && req.url?.startsWith("/whisk/")) return;
  if (settings.dev && nextUpgrades.listenerCount("upgrade") > 0) {
    nextSockets.add(socket);
    socket.once("close", () => nextSockets.delete(socket));
    nextUpgrades.emit("upgrade", req, socket, head);
  } else socket.destroy();
});

let stopAnnouncing: (() => Promise<void>) | undefined;
if (runs.gateway) {
  // Pages reach this gateway directly (WHISK_PUBLIC_URL): its resume tokens name the others.
  const directory = backend.directory;
  const otherGateways =
    directory && settings.publicUrl
      ? async () => (await directory.live()).filter((gateway) => gateway.nodeId !== settings.nodeId).map((gateway) => gateway.url)
      : undefined;
  whisk.attachGateway(server, {
    otherGateways,
    trustedProxies: settings.trustedProxies,
    limits: {
      handshakesPerSecondPerAddress: settings.handshakesPerAddress,
      handshakeBurstPerAddress: Math.max(1, settings.handshakesPerAddress * 5),
      resumeTokenFirstAfterMs: settings.resumeTokenAfterMs,
    },
  });
  if (directory && settings.publicUrl) {
    const gateway = { nodeId: settings.nodeId, url: settings.publicUrl };
    stopAnnouncing = keepAnnouncing(directory, gateway, 1_000, (error) => log.warn({ err: String(error) }, "gateway announcement failed"));
  }
}
if (runs.workers) whisk.startWorkers();
await whisk.ready();
// `npm run dev`: an edit under server/ applies in place, once it type-checks (server/dev-reload.ts).
// Without it (no TypeScript or tsx installed, say) the server still runs: restart after an edit.
let devReload: { close(): void } | undefined;
if (settings.dev) {
  try {
    devReload = (await import("./dev-reload")).reloadServerCodeInPlace({ whisk, stores: { history: backend.history }, log });
  } catch (error) {
    log.warn(`In-place reload of server/ is off (restart after an edit): ${(error as Error).message}`);
  }
}

metricsServer?.listen(settings.metricsPort, settings.host, () =>
  log.info({ metricsPort: settings.metricsPort }, "metrics and health on their own port"),
);
server.listen(settings.port, settings.host, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : settings.port;
  log.info(
    { port, mode: settings.dev ? "development" : "production", backend: backend.mode },
    runs.web ? `Whisk ready on http://localhost:${port}` : `Whisk ${settings.role} node ready on port ${port}`,
  );
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "shutting down");
  // Drain (up to 20 s) and close must fit within the 30 s a deploy gives a process.
  const forced = setTimeout(() => process.exit(1), 28_000);
  forced.unref();
  devReload?.close();
  // Leave the directory first, so pages (and moving clients) are sent to other gateways.
  await stopAnnouncing?.();
  // Only a gateway among others (WHISK_ROLE=ws) has somewhere to send its clients. An all-in-one
  // process (development, or one node) has none: its clients would stay the full 20 s, so they are
  // simply disconnected, and come back when it does.
  if (settings.role === "ws") await whisk.drain({ timeoutMs: 20_000 });
  // No new connection from here on: a client trying meanwhile finds nobody (and keeps its resume
  // token for the next process) instead of a gateway whose stores are closing under it.
  const closed = new Promise((resolve) => server.close(resolve));
  // Closes the backend too; Next, closed after it, has no requests left to serve.
  await whisk.close();
  server.closeAllConnections();
  for (const socket of nextSockets) socket.destroy();
  await closed;
  metricsServer?.close().closeAllConnections();
  await nextApp?.close();
  await stopTracing().catch((error) => log.warn({ err: String(error) }, "could not send the last spans"));
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
