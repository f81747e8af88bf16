import type { TestProject } from "vitest/node";
import { startRedisCluster } from "whisk/testing";

declare module "vitest" {
  export interface ProvidedContext {
    /** The seed nodes of a real 3-master Redis Cluster started for this run: "127.0.0.1:port,...". */
    redisClusterNodes: string;
  }
}

/**
 * One real Redis Cluster (3 masters on free ports, its own processes, never the shared Redis) for
 * every contract suite of the run, which each runs against it as well as one Redis and memory.
 */
export default async function setup(project: TestProject) {
  const cluster = await startRedisCluster();
  project.provide("redisClusterNodes", cluster.nodes);
  return () => cluster.stop();
}
