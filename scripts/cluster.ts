/**
 * `npm run cluster`: the scaled-out system on this machine, as plain processes against Redis:
 * 1 web node (http://127.0.0.1:3000), 3 gateways (3001-3003) and 1 worker (3010).
 * `npm run cluster -- --redis-cluster`: the same over a Redis Cluster, REDIS_CLUSTER_NODES's or,
 * when unset, 3 masters started here on free ports (redis-server needed).
 * Builds the app first if needed. Ctrl-C stops every process.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { DEFAULT_REDIS_PREFIX } from "whisk/core";
import { CLUSTER_TOPOLOGY, type RedisClusterProcess, redactUrl, startCluster, startRedisCluster } from "whisk/testing";

const onRedisCluster = process.argv.includes("--redis-cluster");
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
if (!existsSync(".next/BUILD_ID")) {
  console.log("No production build yet: running `npm run build` first.");
  const build = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

let ownRedisCluster: RedisClusterProcess | undefined;
let redisClusterNodes = process.env.REDIS_CLUSTER_NODES;
if (onRedisCluster && !redisClusterNodes) {
  console.log("Starting a Redis Cluster of 3 masters ...");
  ownRedisCluster = await startRedisCluster();
  redisClusterNodes = ownRedisCluster.nodes;
}
const redis = onRedisCluster ? { redisClusterNodes } : { redisUrl };

const ports = [3000, 3001, 3002, 3003, 3010];
const where = onRedisCluster ? `the Redis Cluster at ${redisClusterNodes}` : redactUrl(redisUrl);
console.log(`Starting ${Object.values(CLUSTER_TOPOLOGY).flat().join(", ")} against ${where} ...`);
const cluster = await startCluster({
  ...redis,
  ports,
  prefix: process.env.WHISK_REDIS_PREFIX ?? DEFAULT_REDIS_PREFIX,
  sessionSecret: process.env.SESSION_SECRET,
});
for (const [name, node] of Object.entries(cluster.nodes)) console.log(`  ${name.padEnd(9)} ${node.url}  (pid ${node.child.pid})`);
console.log(`\nOpen ${cluster.url} in two browsers. Ctrl-C stops the cluster.`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping the cluster ...");
  await cluster.stop();
  await ownRedisCluster?.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
for (const [name, node] of Object.entries(cluster.nodes)) {
  node.child.on("exit", (code) => {
    if (!stopping) console.error(`${name} exited with code ${code}; its last output:\n${node.output().split("\n").slice(-5).join("\n")}`);
  });
}
