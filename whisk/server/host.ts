/**
 * `whisk/host`: what the process that hosts an app uses: one Whisk instance over a backend
 * (memory or Redis), its gateway, workers, health and metrics endpoints, and the HTTP bounds in
 * front of them, and the app's wire contract (`npm run contract`). `server/main.ts` is the example.
 */
export { type Backend, createMemoryBackend, createRedisBackend, type RedisBackendOptions } from "./backend";
export { TrustedProxies } from "./client-address";
export { limitConnectionsPerAddress } from "./connections-per-address";
export { contractAsyncApi, contractMarkdown } from "./contract";
export { createWhisk, type NextRuntimeOptions, type Whisk, type WhiskOptions } from "./create-whisk";
export type { Gateway } from "./gateway";
export { type GatewayDirectory, keepAnnouncing, type LiveGateway } from "./gateway-directory";
export { DEFAULT_LIMITS, type GatewayLimits } from "./gateway-limits";
export { type HealthChecks, handleHealth } from "./health";
export { createLogger, type Logger } from "./logger";
export { createWhiskMetrics, type WhiskMetrics } from "./metrics";
export { silencePacketDebug } from "./quiet-debug";
export { describeRedisTarget, type RedisTarget } from "./redis-connect";
export { createRequestRateLimit } from "./request-rate-limit";
