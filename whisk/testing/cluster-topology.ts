/**
 * The scaled-out system, as data: the launcher starts it as processes, and a test checks that
 * docker-compose.yml runs the same nodes with the same roles.
 */
export const CLUSTER_TOPOLOGY = {
  web: ["web-1"],
  ws: ["ws-1", "ws-2", "ws-3"],
  worker: ["worker-1"],
} as const;

export type ClusterRole = keyof typeof CLUSTER_TOPOLOGY;
