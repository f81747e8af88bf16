import { randomBytes } from "node:crypto";
import { CLUSTER_TOPOLOGY } from "./cluster-topology";
import { freePort } from "./free-port";
import { type ServerProcess, startServerProcess } from "./server-process";

type Topology = { web: readonly string[]; ws: readonly string[]; worker: readonly string[] };

export interface ClusterOptions {
  /** One Redis for every process... */
  redisUrl?: string;
  /** ...or, instead, a Redis Cluster's seed nodes ("host:port,...", as startRedisCluster gives them). */
  redisClusterNodes?: string;
  /** Key prefix; a fresh one by default, so clusters sharing a Redis never see each other. */
  prefix?: string;
  /** Node names per role; defaults to CLUSTER_TOPOLOGY (1 web, 3 ws, 1 worker). */
  topology?: Topology;
  /** Fixed ports in order web, ws..., worker...; free ones by default. */
  ports?: number[];
  sessionSecret?: string;
  /** Extra environment for every process. */
  env?: Record<string, string>;
  /** Folder of the app; the current one by default. */
  cwd?: string;
}

export interface Cluster {
  /** Where to open the app. */
  url: string;
  prefix: string;
  /** Every process by node id, e.g. nodes["ws-2"]. */
  nodes: Record<string, ServerProcess>;
  web: ServerProcess[];
  gateways: ServerProcess[];
  workers: ServerProcess[];
  /**
   * Stops a node and starts it again on its port: gracefully by default (SIGTERM: a gateway
   * drains, its clients move without noticing), or `{ crash: true }` (SIGKILL: clients see the
   * connection drop and recover).
   */
  restart(nodeId: string, options?: { crash?: boolean }): Promise<ServerProcess>;
  stop(): Promise<void>;
}

/**
 * Starts the scaled-out system as real processes against one Redis or a Redis Cluster: web nodes
 * (Next.js, tokens), gateways that pages reach directly, and workers. The production build must exist.
 *
 * @example
 * const cluster = await startCluster({ redisUrl: "redis://127.0.0.1:6379" });
 * // open cluster.url in browsers; cluster.nodes["ws-2"].child.kill("SIGKILL") to fail a node
 * await cluster.stop();
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  if (Boolean(options.redisUrl) === Boolean(options.redisClusterNodes)) {
    throw new Error("startCluster needs either redisUrl or redisClusterNodes");
  }
  const topology: Topology = options.topology ?? CLUSTER_TOPOLOGY;
  const prefix = options.prefix ?? `whisk-cluster:${randomBytes(4).toString("hex")}:`;
  const names = [...topology.web, ...topology.ws, ...topology.worker];
  const ports = options.ports ?? (await Promise.all(names.map(() => freePort())));
  const portOf = new Map(names.map((name, i) => [name, ports[i] as number]));
  const envFor = clusterEnvironment(topology, portOf, { ...options, prefix });
  const start = (name: string) => startServerProcess({ cwd: options.cwd, port: portOf.get(name), env: envFor(name) });

  const nodes: Record<string, ServerProcess> = {};
  try {
    // Gateways first, so the web node has somewhere to send the first page.
    for (const group of [topology.ws, topology.worker, topology.web]) {
      const started = await Promise.all(group.map(start));
      group.forEach((name, i) => {
        nodes[name] = started[i] as ServerProcess;
      });
    }
  } catch (error) {
    await Promise.all(Object.values(nodes).map((node) => node.stop()));
    throw error;
  }
  const pick = (group: readonly string[]) => group.map((name) => nodes[name] as ServerProcess);
  return {
    url: `http://127.0.0.1:${portOf.get(topology.web[0] as string)}`,
    prefix,
    nodes,
    get web() {
      return pick(topology.web);
    },
    get gateways() {
      return pick(topology.ws);
    },
    get workers() {
      return pick(topology.worker);
    },
    async restart(nodeId, restartOptions = {}) {
      const node = nodes[nodeId];
      if (restartOptions.crash && node?.child.exitCode === null) {
        const gone = new Promise((resolve) => node.child.once("exit", resolve));
        node.child.kill("SIGKILL");
        await gone;
      }
      await node?.stop();
      const restarted = await start(nodeId);
      nodes[nodeId] = restarted;
      return restarted;
    },
    async stop() {
      await Promise.all(Object.values(nodes).map((node) => node.stop()));
    },
  };
}

/** Each node's environment: what every node shares (Redis, prefix, secret, origins), then its role. */
function clusterEnvironment(
  topology: Topology,
  portOf: ReadonlyMap<string, number>,
  options: ClusterOptions & { prefix: string },
): (name: string) => Record<string, string> {
  const webOrigins = topology.web.flatMap((name) => [`http://127.0.0.1:${portOf.get(name)}`, `http://localhost:${portOf.get(name)}`]);
  const shared = {
    // Both said, the other one empty: the app's .env.local must not fill it in.
    REDIS_URL: options.redisUrl ?? "",
    REDIS_CLUSTER_NODES: options.redisClusterNodes ?? "",
    WHISK_REDIS_PREFIX: options.prefix,
    SESSION_SECRET: options.sessionSecret ?? randomBytes(32).toString("base64url"),
    // Plain HTTP on loopback: browsers would drop a Secure cookie on http://localhost only in some cases.
    WHISK_SECURE_COOKIES: "false",
    WHISK_ALLOWED_ORIGINS: webOrigins.join(","),
    ...options.env,
  };
  return (name) => {
    const role = topology.web.includes(name) ? "web" : topology.ws.includes(name) ? "ws" : "worker";
    const port = portOf.get(name) as number;
    return {
      ...shared,
      WHISK_ROLE: role,
      WHISK_NODE_ID: name,
      ...(role === "ws" ? { WHISK_PUBLIC_URL: `http://127.0.0.1:${port}` } : {}),
    };
  };
}
