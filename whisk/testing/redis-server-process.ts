import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./free-port";

export interface RedisServerProcess {
  url: string;
  port: number;
  /** Kills the server (SIGKILL: an outage, not a shutdown). */
  kill(): Promise<void>;
  /** Starts it again on the same port: empty, or with what it held when `persistent`. */
  start(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open but nothing answers, as behind a dead link. */
  freeze(): void;
  /** Lets a frozen server go on (SIGCONT). */
  thaw(): void;
}

/**
 * A private `redis-server` on a free loopback port, for tests that stop, restart or cut off Redis
 * and so must never touch the shared one. `persistent`: every write is on disk before Redis
 * answers (append-only file, fsync always), so a kill and a start keep everything, as a Redis
 * restarted by its supervisor does; otherwise it comes back empty.
 */
export async function startRedisServer(options: { persistent?: boolean } = {}): Promise<RedisServerProcess> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const persistence = options.persistent ? persistentFolder() : ["--appendonly", "no"];
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", ...persistence], { stdio: "ignore" });
    child.once("error", () => {});
    await answering(port);
  };
  await start();
  return {
    url,
    port,
    start,
    freeze: () => void child?.kill("SIGSTOP"),
    thaw: () => void child?.kill("SIGCONT"),
    async kill() {
      const running = child;
      if (!running || running.exitCode !== null) return;
      await new Promise((resolve) => {
        running.once("exit", resolve);
        running.kill("SIGKILL");
      });
    },
  };
}

/** Redis's arguments for an append-only file in a temporary folder, removed when the test process exits. */
function persistentFolder(): string[] {
  const folder = mkdtempSync(join(tmpdir(), "whisk-redis-"));
  process.once("exit", () => rmSync(folder, { recursive: true, force: true }));
  return ["--appendonly", "yes", "--appendfsync", "always", "--dir", folder];
}

/** Resolves once a just-spawned redis-server on `port` answers PING; fails in one clear line if it never does. */
export async function answering(port: number): Promise<void> {
  const probe = new Redis(port, "127.0.0.1", { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  probe.on("error", () => {}); // a refused probe is expected until the server is up
  for (let tries = 0; ; tries++) {
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return;
    } catch {
      probe.disconnect();
      if (tries > 50) throw new Error("redis-server did not start: is it installed? (`apt-get install -y redis-server`)");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
