/**
 * `npm run cluster`: the scaled-out system on this machine, as plain processes against Redis:
 * 1 web node (http://127.0.0.1:3000), 3 gateways (3001-3003) and 1 worker (3010).
 * Builds the app first if needed. Ctrl-C stops every process.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { DEFAULT_REDIS_PREFIX } from "whisk/core";
import { CLUSTER_TOPOLOGY, redactUrl, startCluster } from "whisk/testing";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
if (!existsSync(".next/BUILD_ID")) {
  console.log("No production build yet: running `npm run build` first.");
  const build = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const ports = [3000, 3001, 3002, 3003, 3010];
console.log(`Starting ${Object.values(CLUSTER_TOPOLOGY).flat().join(", ")} against ${redactUrl(redisUrl)} ...`);
const cluster = await startCluster({
  redisUrl,
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
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
for (const [name, node] of Object.entries(cluster.nodes)) {
  node.child.on("exit", (code) => {
    if (!stopping) console.error(`${name} exited with code ${code}; its last output:\n${node.output().split("\n").slice(-5).join("\n")}`);
  });
}
