/**
 * React bindings: a provider holding one shared connection, and hooks typed for your app.
 *
 * @example
 * export const { WhiskProvider, useWhisk, useWhiskRoute, useWhiskEvent } = createWhiskReact<WhiskApp>();
 */
export type { ConnectionState, ConnectionStatus } from "../client/connection-state";
export type { EmitResult } from "../core/result";
export { createWhiskReact } from "./create-whisk-react";
export type { InboxHandle } from "./use-inbox";
export { type PresentUser, type RoomPresence, usePresence } from "./use-presence";
export type { RoomHandle, UseRoomOptions } from "./use-room";
export type { WhiskHandle } from "./use-whisk";
export type { RouteCaller } from "./use-whisk-route";
export type { WhiskProviderProps } from "./whisk-provider";
