import { useCallback, useSyncExternalStore } from "react";
import type { ConnectionState, ConnectionStatus } from "../client/connection-state";
import type { RouteMap } from "../client/whisk-connection";
import type { WhiskErrorPayload } from "../core/errors";
import type { Welcome } from "../core/protocol";
import type { EmitResult } from "../core/result";
import { useConnection } from "./whisk-provider";

export interface WhiskHandle<Routes extends RouteMap> {
  state: ConnectionState;
  status: ConnectionStatus;
  /** The gateway holding this connection, once connected. */
  nodeId: string | null;
  user: Welcome["user"] | null;
  /** The latest refusal or failure, if any. */
  error: WhiskErrorPayload | null;
  emit<E extends keyof Routes & string>(
    event: E,
    payload: Routes[E]["input"],
    options?: { timeoutMs?: number },
  ): Promise<EmitResult<Routes[E]["output"]>>;
  /** Drops the connection and opens a new one with a new token (e.g. after sign-in). */
  reconnect(): void;
  /**
   * Tries now instead of at the end of the back-off (a "Retry" button): while failing, connects at
   * once with a fresh token; after a stop (an error no retry fixes, a sign-out), opens again.
   * Does nothing while connected. See `WhiskConnection.retryNow`.
   */
  retryNow(): void;
}

/** The connection's state and a typed `emit`; get the typed version from `createWhiskReact`. */
export function useWhisk(): WhiskHandle<RouteMap> {
  const connection = useConnection("useWhisk");
  const state = useSyncExternalStore(connection.subscribe, connection.getState, connection.getState);
  // Stable for the life of the provider, so they can be effect dependencies.
  const emit: WhiskHandle<RouteMap>["emit"] = useCallback(
    (event, payload, options) => connection.emit(event, payload, options),
    [connection],
  );
  const reconnect = useCallback(() => connection.reconnect(), [connection]);
  const retryNow = useCallback(() => connection.retryNow(), [connection]);
  return {
    state,
    status: state.status,
    nodeId: state.status === "connected" ? state.nodeId : null,
    user: state.status === "connected" ? state.user : null,
    error: state.status === "error" ? state.error : "lastError" in state ? (state.lastError ?? null) : null,
    emit,
    reconnect,
    retryNow,
  };
}
