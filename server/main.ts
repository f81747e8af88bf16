/**
 * The app's server: Next.js and the Whisk gateway on one HTTP server and one port.
 * `npm run dev` runs it with hot reload; `npm run build && npm start` in production.
 */
import { createServer } from "node:http";
import nextEnv from "@next/env";
import next from "next";
import { createLogger, createWhisk, provideWhiskRuntime } from "../whisk/server";
import { app } from "./app";
import { createAppContext } from "./context";
import { readSettings, SettingsError } from "./env";
import { hooks } from "./hooks";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");

let settings: ReturnType<typeof readSettings>;
try {
  settings = readSettings(process.env);
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  console.error(`Whisk cannot start. ${error.message}`);
  process.exit(1);
}

const log = createLogger({ nodeId: settings.nodeId, level: settings.logLevel });
if (settings.sessionSecretGenerated) {
  log.warn("SESSION_SECRET is not set: using a throwaway one, so sessions end when the server restarts. Set it in .env.local.");
}

const whisk = createWhisk({
  app,
  context: createAppContext(),
  nodeId: settings.nodeId,
  hooks,
  logger: log,
  tokenTtlMs: settings.tokenTtlMs,
  sessionTtlMs: settings.sessionTtlMs,
});

provideWhiskRuntime({
  sessions: whisk.sessions,
  issueToken: (session) => whisk.issueToken(session),
  endSession: (sessionId) => whisk.endSession(sessionId),
  config: {
    sessionSecret: settings.sessionSecret,
    cookieName: "whisk_session",
    sessionTtlMs: settings.sessionTtlMs,
    secureCookies: !settings.dev,
    allowedOrigins: settings.allowedOrigins,
  },
});

const nextApp = next({ dev: settings.dev, hostname: settings.host ?? "localhost", port: settings.port });
const handleNext = nextApp.getRequestHandler();
await nextApp.prepare();
const handleNextUpgrade = nextApp.getUpgradeHandler();

const server = createServer((req, res) => {
  if (req.url === "/healthz") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok", node: settings.nodeId }));
    return;
  }
  handleNext(req, res);
});
// The gateway owns upgrades under /whisk; everything else (hot reload in dev) is Next's.
server.on("upgrade", (req, socket, head) => {
  if (!req.url?.startsWith("/whisk")) handleNextUpgrade(req, socket, head);
});

whisk.attachGateway(server, { allowedOrigins: settings.allowedOrigins });
whisk.startWorkers();

server.listen(settings.port, settings.host, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : settings.port;
  log.info({ port, mode: settings.dev ? "development" : "production" }, `Whisk ready on http://localhost:${port}`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "shutting down");
  const forced = setTimeout(() => process.exit(1), 10_000);
  forced.unref();
  await whisk.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await nextApp.close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
