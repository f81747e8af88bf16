/**
 * The browser (or Node) client: a connection with fresh-token reconnects and typed emits.
 * React apps use `whisk/react`, which wraps this.
 *
 * @example
 * const connection = new WhiskConnection<ClientRoutes<WhiskApp>, ServerEvents<WhiskApp>>({ getToken });
 * connection.open();
 */
export type { EmitResult } from "../core/result";
export { FLOOD_PAUSES_MS, floodPause, REFUSAL_BACKOFF_MS, refusalCeiling, refusalDelay } from "./backoff";
export { type ConnectionState, type ConnectionStatus, INITIAL_STATE, transition } from "./connection-state";
export { applyPresenceUpdate, type PresentUsers } from "./presence-view";
export { readRefusal } from "./read-refusal";
export { CONFIRM_TIMEOUT_MS, type PendingSend, RoomFeeds, type RoomStatus, type RoomView } from "./room-feeds";
export { type TokenRouteFallbackOptions, withTokenRouteFallback } from "./token-route-fallback";
export { type ConnectionOptions, type EventMap, type RouteMap, WhiskConnection } from "./whisk-connection";
