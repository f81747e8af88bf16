/**
 * Whisk's server side: define routes, observers and workers, list them in one app, and run
 * gateways and workers for it.
 *
 * @example
 * const { route, observe } = createBuilders<AppContext>();
 * export const world = defineRoutes("world", {
 *   say: route.input(z.object({ message: z.string().min(1) })).handle(async ({ message }, ctx) => {
 *     await ctx.bus.everyone().publish(worldObservers.topics.said, { text: `${ctx.user.name}: ${message}` });
 *     return { sent: true };
 *   }),
 * });
 */
export { everyone, toNode, toRoom, toSession, toSocket, toUser } from "../core/address";
export { ERROR_CODES, type ErrorCode, WhiskError } from "../core/errors";
export { isOriginAllowed } from "../core/origin-allow-list";
export type { ClientRoutes, ServerEvents } from "./app-types";
export { type Backend, createMemoryBackend, createRedisBackend } from "./backend";
export { createBuilders } from "./builders";
export { TrustedProxies } from "./client-address";
export { limitConnectionsPerAddress } from "./connections-per-address";
export { createWhisk, defaultNodeId, type Whisk, type WhiskOptions } from "./create-whisk";
export type { HandlerContext, ObserverContext, RouteContext, WorkerContext } from "./definitions";
export type { Gateway } from "./gateway";
export { type GatewayDirectory, keepAnnouncing, type LiveGateway, RedisGatewayDirectory } from "./gateway-directory";
export { DEFAULT_LIMITS, type GatewayLimits } from "./gateway-limits";
export { defineObservers, defineRoutes, defineWorkers, type RouteAccess } from "./groups";
export { type HealthChecks, handleHealth } from "./health";
export type { AuthFailure, ConnectionInfo, WhiskHooks } from "./hooks";
export { createLogger, type Logger } from "./logger";
export type { WhiskMetrics } from "./metrics";
export { silencePacketDebug } from "./quiet-debug";
export { redactUrl } from "./redact-url";
export { createRequestRateLimit } from "./request-rate-limit";
export type { SlowClientPolicy } from "./slow-client-queues";
export { defineWhiskApp, type WhiskAppDefinition } from "./whisk-app";
