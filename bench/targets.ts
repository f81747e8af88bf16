/**
 * What the benchmark measures, started fresh for each run: Whisk's production server or bare
 * socket.io, as one process, or as three gateways over Redis (or a Redis Cluster) for the cross-node path. Every server
 * process has bench/loop-monitor.mjs preloaded, so event-loop stalls are measured alike.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startCluster, startServerProcess } from "whisk/testing";

export type TargetName = "whisk" | "bare";
const here = import.meta.dirname;
const root = join(here, "..");
const loopFile = join(tmpdir(), `whisk-bench-loop-${process.pid}`);
const monitored = { NODE_OPTIONS: `--import=${join(here, "loop-monitor.mjs")}`, BENCH_LOOP_FILE: loopFile };
// The largest step holds 10,000 sockets on one node: past Whisk's default cap, which bare socket.io does not have.
// All the load comes from one address (127.0.0.1), so the per-address limits on handshakes and
// POSTs, which would rightly refuse it, are off too.
const uncapped = {
  WHISK_MAX_CONNECTIONS: "100000",
  WHISK_CONNECTIONS_PER_ADDRESS: "0",
  WHISK_HANDSHAKES_PER_ADDRESS: "0",
  WHISK_POSTS_PER_ADDRESS: "0",
};

export interface Target {
  name: TargetName;
  /** Where clients get tokens (Whisk) and connect. */
  url: string;
  /** Where clients connect, when not `url`: a gateway process of its own (`WHISK_ROLE=ws`). */
  gatewayUrl?: string;
  /** The process that holds the sockets. */
  pid: number;
  stop(): Promise<unknown>;
}

const ONE_REDIS = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export async function startTarget(name: TargetName): Promise<Target> {
  if (name === "whisk") {
    const server = await startServerProcess({ cwd: root, env: { WHISK_NODE_ID: "bench", LOG_LEVEL: "warn", ...monitored, ...uncapped } });
    return { name, url: server.url, pid: server.child.pid as number, stop: () => server.stop() };
  }
  return startBare();
}

/**
 * Whisk's gateway as a process of its own (`WHISK_ROLE=ws`, no Next.js in it), beside a web node
 * that issues the tokens, over Redis: the process whose memory per socket a deployment pays.
 */
export async function startGatewayAlone(): Promise<Target> {
  const cluster = await startCluster({
    cwd: root,
    redisUrl: ONE_REDIS,
    topology: { web: ["web-1"], ws: ["ws-1"], worker: [] },
    env: { LOG_LEVEL: "warn", ...monitored, ...uncapped },
  });
  const gateway = cluster.nodes["ws-1"];
  return { name: "whisk", url: cluster.url, gatewayUrl: gateway?.url, pid: gateway?.child.pid as number, stop: () => cluster.stop() };
}

/** The practical limit for fan-out: bench/raw-ws-server.ts, a plain `ws` server. */
export const startRawWs = () => startScript("raw-ws-server.ts", {}, monitored);

/** Two gateways for the reconnect storm: the clients of the first move to the second when it is killed. */
export interface GatewayPair {
  /** Where Whisk's clients get tokens; the Origin of every client. */
  url: string;
  dyingUrl: string;
  fallbackUrl: string;
  /** The second gateway's process, and (Whisk) the web node's: what the storm costs each. */
  fallbackPid: number;
  webPid?: number;
  kill(): void;
  stop(): Promise<unknown>;
}

export async function startGatewayPair(name: TargetName, resumeTokenAfterMs: number): Promise<GatewayPair> {
  if (name === "whisk") {
    const cluster = await startCluster({
      cwd: root,
      redisUrl: ONE_REDIS,
      topology: { web: ["web-1"], ws: ["ws-1", "ws-2"], worker: [] },
      env: { LOG_LEVEL: "warn", WHISK_RESUME_TOKEN_AFTER_MS: String(resumeTokenAfterMs), ...uncapped },
    });
    const [dying, fallback] = cluster.gateways;
    return {
      url: cluster.url,
      dyingUrl: dying?.url as string,
      fallbackUrl: fallback?.url as string,
      fallbackPid: fallback?.child.pid as number,
      webPid: cluster.web[0]?.child.pid,
      kill: () => dying?.child.kill("SIGKILL"),
      stop: () => cluster.stop(),
    };
  }
  // Joined by the Redis adapter, as a scaled-out socket.io deployment is.
  const env = { REDIS_URL: ONE_REDIS, BENCH_ADAPTER_KEY: `bench-${randomBytes(4).toString("hex")}` };
  const [dying, fallback] = [await startBare(env, {}), await startBare(env, {})];
  return {
    url: dying.url,
    dyingUrl: dying.url,
    fallbackUrl: fallback.url,
    fallbackPid: fallback.pid,
    kill: () => process.kill(dying.pid, "SIGKILL"),
    stop: () => Promise.all([dying.stop(), fallback.stop()]),
  };
}

function startBare(env: Record<string, string> = {}, preload: Record<string, string> = monitored): Promise<Target> {
  return startScript("bare-server.ts", env, preload);
}

async function startScript(script: string, env: Record<string, string>, preload: Record<string, string>): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", join(here, script)], {
    env: { ...process.env, PORT: String(port), ...preload, ...env },
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { name: "bare", url, pid: child.pid as number, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(null);
    child.once("exit", resolve);
    child.kill("SIGTERM");
  });
}

export interface MultiNodeTarget {
  /** Token route (Whisk's web node); unused by bare. */
  url: string;
  senderUrl: string;
  receiverUrl: string;
  /** The third gateway, which holds nobody the jobs address: what it spends is the cost of not being targeted. */
  idlePid: number;
  /** Every server process, gateways first. */
  pids: number[];
  /** Whisk: each gateway's URL by node id, to read its /metrics with METRICS_TOKEN. */
  gateways: Record<string, string>;
  stop(): Promise<unknown>;
}

/** Bare socket.io joined by the Redis adapter, classic (every server hears every broadcast) or sharded. */
export type CrossNodeTargetName = TargetName | "bare-sharded";
/** Where the nodes share state: one Redis, or a Redis Cluster's seed nodes. */
export type RedisPlace = { redisUrl: string } | { redisClusterNodes: string };
/** The bench reads each Whisk gateway's /metrics with it. */
export const METRICS_TOKEN = "bench-metrics-token-0123456789abcdefghij";

/** Three gateways over Redis (Whisk: plus its web node and a worker, as `npm run cluster` runs). */
/**
 * The cross-node jobs read CPU time, not stalls: their processes run without the loop monitor,
 * whose wake-ups (100 a second) would weigh on Whisk's five processes more than on bare's three.
 * With BENCH_CPU_PROF it stays, since it records the profiles.
 */
const multiNodePreload: Record<string, string> = process.env.BENCH_CPU_PROF ? monitored : {};

export async function startMultiNode(name: CrossNodeTargetName, redis: RedisPlace): Promise<MultiNodeTarget> {
  if (name === "whisk") {
    const cluster = await startCluster({
      cwd: root,
      ...redis,
      env: { LOG_LEVEL: "warn", WHISK_METRICS_TOKEN: METRICS_TOKEN, ...multiNodePreload, ...uncapped },
    });
    const [ws1, ws2, ws3] = cluster.gateways;
    const others = [...cluster.web, ...cluster.workers];
    return {
      url: cluster.url,
      senderUrl: ws1?.url as string,
      receiverUrl: ws2?.url as string,
      idlePid: ws3?.child.pid as number,
      pids: [...cluster.gateways, ...others].map((node) => node.child.pid as number),
      gateways: Object.fromEntries(cluster.gateways.map((node, i) => [`ws-${i + 1}`, node.url])),
      stop: () => cluster.stop(),
    };
  }
  const key = `bench-${randomBytes(4).toString("hex")}`;
  const env = {
    ...("redisUrl" in redis ? { REDIS_URL: redis.redisUrl } : { REDIS_CLUSTER_NODES: redis.redisClusterNodes }),
    BENCH_ADAPTER_KEY: key,
    BENCH_ADAPTER: name === "bare-sharded" ? "sharded" : "classic",
  };
  const nodes = [await startBare(env, multiNodePreload), await startBare(env, multiNodePreload), await startBare(env, multiNodePreload)];
  return {
    url: nodes[0]?.url as string,
    senderUrl: nodes[0]?.url as string,
    receiverUrl: nodes[1]?.url as string,
    idlePid: nodes[2]?.pid as number,
    pids: nodes.map((node) => node.pid),
    gateways: {},
    stop: () => Promise.all(nodes.map((node) => node.stop())),
  };
}

interface ProcessReport {
  maxMs: number;
  longestGcMs: number;
  rss: number;
  heapUsed: number;
  /** The heap V8 has reserved: used plus free space it keeps. */
  heapTotal: number;
  /** Memory outside the JS heap held by JS objects (Buffers). */
  external: number;
}

/** Asks a server process (SIGUSR2 to its preloaded monitor) for its report; resets its stall window. */
export async function readMonitor(pid: number): Promise<ProcessReport | null> {
  const file = `${loopFile}.${pid}`;
  rmSync(file, { force: true });
  process.kill(pid, "SIGUSR2");
  for (let i = 0; i < 100; i++) {
    try {
      const report = JSON.parse(readFileSync(file, "utf8")) as ProcessReport;
      rmSync(file, { force: true });
      return report;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  return null;
}

/** The longest event-loop stall of these processes since the last reading. */
export async function longestStallMs(pids: number[]): Promise<number> {
  const reports = await Promise.all(pids.map(readMonitor));
  return Math.max(...reports.map((report) => report?.maxMs ?? 0));
}
