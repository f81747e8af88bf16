/**
 * Test helpers for apps built on Whisk: start the real server, or the whole scaled-out system,
 * as processes; find free ports; reach the test Redis; talk to it through a socket.io client typed
 * by the app (`typedClient<WhiskApp>()`).
 *
 * @example
 * const cluster = await startCluster({ redisUrl: "redis://127.0.0.1:6379" });
 * const response = await fetch(`${cluster.url}/healthz`);
 * await cluster.stop();
 */

export { redactUrl } from "../server/redact-url";
export { CHROMIUM_ARGS, chromiumPath } from "./chromium";
export { type Cluster, type ClusterOptions, startCluster } from "./cluster";
export { CLUSTER_TOPOLOGY, type ClusterRole } from "./cluster-topology";
export { freePort } from "./free-port";
export { percentile } from "./percentile";
export { type RedisClusterProcess, startRedisCluster } from "./redis-cluster-process";
export { connectTestRedis, connectTestRedisCluster, TEST_REDIS_URL, type TestRedis } from "./redis-for-tests";
export { type RedisServerProcess, startRedisServer } from "./redis-server-process";
export { SERVER_BUILD, type ServerProcess, type ServerProcessOptions, startServerProcess } from "./server-process";
export {
  nextEventRaw,
  type ProtocolEvents,
  type ReceivedEventName,
  type ReceivedEvents,
  requestRaw,
  type TypedClient,
  typedClient,
} from "./typed-client";
