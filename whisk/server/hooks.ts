import type { WhiskError } from "../core/errors";
import type { HandlerContext } from "./definitions";

/** The socket a lifecycle hook is about; identity comes from the session, as in routes. */
export interface ConnectionInfo {
  socketId: string;
  sessionId: string;
  user: { id: string; name: string };
}

/** Why a handshake was refused, without the token itself. */
export interface AuthFailure {
  error: WhiskError;
  origin: string | undefined;
  address: string;
}

/**
 * The original Whisk's lifecycle hooks, typed. Each gets the app context like every handler.
 * A hook that throws is logged; it never breaks the connection it is about.
 */
export interface WhiskHooks<AppContext> {
  /** After the token is accepted and the socket has joined its rooms. */
  onConnect?(connection: ConnectionInfo, ctx: HandlerContext<AppContext>): void | Promise<void>;
  /** With socket.io's reason, e.g. "transport close", "server namespace disconnect". */
  onDisconnect?(connection: ConnectionInfo, reason: string, ctx: HandlerContext<AppContext>): void | Promise<void>;
  /** A refused handshake: foreign origin, missing, invalid or used token, ended session. */
  onAuthFailure?(failure: AuthFailure, ctx: HandlerContext<AppContext>): void | Promise<void>;
}
