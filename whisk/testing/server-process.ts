import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./free-port";

/** What `npm run build` compiles server/main.ts into (scripts/build-server.mjs). */
export const SERVER_BUILD = "dist/server.mjs";

export interface ServerProcess {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process printed so far (JSON log lines). */
  output(): string;
  /** SIGTERM, then waits for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface ServerProcessOptions {
  /** The app's folder; defaults to the current directory. */
  cwd?: string;
  env?: Record<string, string>;
  /** Production (needs `npm run build` first) unless "development". */
  mode?: "production" | "development";
  /** A fixed port, e.g. to restart a server where its clients expect it; default a free one. */
  port?: number;
  readyTimeoutMs?: number;
}

/**
 * Starts the app's real server as a separate process on a free loopback port (production: the
 * compiled dist/server.mjs, as `npm start`; development: `node --import tsx server/main.ts`), and
 * resolves once `/healthz` answers.
 *
 * @example
 * const server = await startServerProcess({ env: { WHISK_NODE_ID: "ws-1" } });
 * // ... connect clients to server.url ...
 * await server.stop();
 */
export async function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const cwd = options.cwd ?? process.cwd();
  const mode = options.mode ?? "production";
  if (mode === "production" && !(existsSync(join(cwd, ".next", "BUILD_ID")) && existsSync(join(cwd, SERVER_BUILD)))) {
    throw new Error("No production build found: run `npm run build` first (npm test does this for you).");
  }
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  // Production runs the compiled server, as `npm start` does; development runs the source.
  const entry = mode === "production" ? ["--enable-source-maps", SERVER_BUILD] : ["--import", "tsx", "server/main.ts"];
  const child = spawn(process.execPath, entry, {
    cwd,
    env: {
      ...process.env,
      NODE_ENV: mode,
      PORT: String(port),
      HOST: "127.0.0.1",
      SESSION_SECRET: "test-only-secret-test-only-secret-0123456789",
      WHISK_ALLOWED_ORIGINS: url,
      NEXT_TELEMETRY_DISABLED: "1",
      // Embedded unless the test says otherwise, whatever REDIS_URL the app's .env.local holds.
      REDIS_URL: "",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited with code ${child.exitCode} before it was ready:\n${output}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`The server did not answer /healthz within the time allowed:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    port,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}
