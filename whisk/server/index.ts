/**
 * `whisk/server`: what an app's routes, observers and workers are written with. Hosting them
 * (createWhisk, backends, health, metrics) is `whisk/host`'s.
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
// The closed list of codes (ERROR_CODES, ErrorCode) is whisk/core's: a handler needs only WhiskError.
export { WhiskError } from "../core/errors";
export { defineSessionData } from "../session/session-data";
export type { ClientRooms, ClientRoutes, ServerEvents } from "./app-types";
export { createBuilders } from "./builders";
export { clientIdSchema } from "./client-id-schema";
export { defineInbox, type InboxHistory, type InboxMessage } from "./define-inbox";
export { defineRooms, type JoinAnswer, type RoomGroup, type RoomHistory, type RoomMessage } from "./define-rooms";
export type { HandlerContext, ObserverContext, RouteContext, WorkerContext } from "./definitions";
export { defineObservers, defineRoutes, defineWorkers, type RouteAccess } from "./groups";
export type { AuthFailure, ConnectionInfo, WhiskHooks } from "./hooks";
export type { SlowClientPolicy } from "./slow-client-queues";
export { defineWhiskApp, type WhiskAppDefinition } from "./whisk-app";
