import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { freePort } from "./free-port";
import { answering } from "./redis-server-process";

const run = promisify(execFile);

export interface RedisClusterProcess {
  /** The masters' addresses, as REDIS_CLUSTER_NODES takes them: "127.0.0.1:7001,127.0.0.1:7002,...". */
  nodes: string;
  ports: number[];
  stop(): Promise<void>;
}

const SLOTS_READY_TIMEOUT_MS = 20_000;

/**
 * A real Redis Cluster of `masters` masters (3 by default, no replicas) on free loopback ports,
 * each a `redis-server --cluster-enabled yes` child with its state in a temporary folder, joined by
 * `redis-cli --cluster create`. Never touches the shared Redis; `stop()` kills the servers and
 * removes their folder.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterProcess> {
  const folder = mkdtempSync(join(tmpdir(), "whisk-redis-cluster-"));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  const stop = async () => {
    await Promise.all(children.map(killed));
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      ports.push(port);
      const child = spawn(
        "redis-server",
        [
          ...["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
          ...["--cluster-enabled", "yes", "--cluster-config-file", join(folder, `nodes-${port}.conf`), "--dir", folder],
        ],
        { stdio: "ignore" },
      );
      child.once("error", () => {});
      children.push(child);
    }
    await Promise.all(ports.map(answering));
    const addresses = ports.map((port) => `127.0.0.1:${port}`);
    await run("redis-cli", ["--cluster", "create", ...addresses, "--cluster-replicas", "0", "--cluster-yes"]).catch((error: Error) => {
      throw new Error(
        `redis-cli --cluster create failed (Redis 7's redis-cli is needed: \`apt-get install -y redis-tools\`): ${error.message}`,
      );
    });
    await Promise.all(ports.map(clusterReady));
    return { nodes: addresses.join(","), ports, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Every node sees every slot served (cluster_state:ok) before a client may rely on it. */
async function clusterReady(port: number): Promise<void> {
  const probe = new Redis(port, "127.0.0.1", { retryStrategy: () => null });
  probe.on("error", () => {});
  const deadline = Date.now() + SLOTS_READY_TIMEOUT_MS;
  try {
    while (!String(await probe.cluster("INFO")).includes("cluster_state:ok")) {
      if (Date.now() > deadline) throw new Error(`Redis Cluster node ${port} is not ready after ${SLOTS_READY_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    probe.disconnect();
  }
}

function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}
