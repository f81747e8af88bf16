import type { WhiskErrorPayload } from "../core/errors";
import type { Welcome } from "../core/protocol";

/**
 * Every state a client connection can be in, named once. Each variant carries what is known in
 * it, so `state.status === "connected"` narrows `state.nodeId` to a string.
 */
export type ConnectionState =
  | { status: "disconnected"; reason: "idle" | "closed" | "server" }
  | { status: "connecting"; attempt: number; lastError?: WhiskErrorPayload }
  | { status: "connected"; nodeId: string; socketId: string; user: Welcome["user"] }
  | { status: "reconnecting"; attempt: number; lastError?: WhiskErrorPayload }
  /**
   * Failed. With `retryAt` (ms since the epoch, as Date.now()), Whisk is still trying: refusals
   * passed `maxAuthRetries` and the next try comes then (or has begun, once it is past). Without
   * it, retrying cannot fix `error` and the connection stopped: `open()` or `retryNow()` start again.
   */
  | { status: "error"; error: WhiskErrorPayload; retryAt?: number };

export type ConnectionStatus = ConnectionState["status"];

export type ConnectionEvent =
  /** The app asked to connect. */
  | { type: "open" }
  /** The gateway accepted the token and said who and where we are. */
  | { type: "welcome"; welcome: Welcome }
  /** The connection broke and socket.io (or Whisk) will try again. */
  | { type: "retrying"; error?: WhiskErrorPayload }
  /** The server closed the connection on purpose (logout, session ended): no retry. */
  | { type: "kicked" }
  /** A refusal that retrying cannot fix; or, with `retryAt`, too many refusals in a row while retries go on. */
  | { type: "failed"; error: WhiskErrorPayload; retryAt?: number }
  /** The app closed the connection. */
  | { type: "close" };

export const INITIAL_STATE: ConnectionState = { status: "disconnected", reason: "idle" };

/** All transitions, in one pure function; the connection calls it and hooks only read the result. */
export function transition(state: ConnectionState, event: ConnectionEvent): ConnectionState {
  switch (event.type) {
    case "open":
      return state.status === "connected" || state.status === "connecting" || state.status === "reconnecting"
        ? state
        : { status: "connecting", attempt: 1 };
    case "welcome":
      return { status: "connected", nodeId: event.welcome.nodeId, socketId: event.welcome.socketId, user: event.welcome.user };
    case "retrying":
      if (state.status === "connecting") return { status: "connecting", attempt: state.attempt + 1, lastError: event.error };
      if (state.status === "reconnecting") return { status: "reconnecting", attempt: state.attempt + 1, lastError: event.error };
      if (state.status === "connected") return { status: "reconnecting", attempt: 1, lastError: event.error };
      return state;
    case "kicked":
      return { status: "disconnected", reason: "server" };
    case "failed":
      if (state.status === "disconnected") return state;
      return event.retryAt === undefined
        ? { status: "error", error: event.error }
        : { status: "error", error: event.error, retryAt: event.retryAt };
    case "close":
      return { status: "disconnected", reason: "closed" };
  }
}
