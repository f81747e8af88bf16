import type { Socket } from "socket.io";
import type { SessionKind, SessionStore } from "../session/session-store";
import type { TokenStore } from "../session/token-store";
import { connectError } from "./connect-error";

/** What a socket carries once its token is accepted. */
export interface SocketIdentity {
  sessionId: string;
  /** A signed-in member or a guest: route groups say which they serve. */
  kind: SessionKind;
  user: { id: string; name: string };
  /** When the session expires: the socket is closed then. */
  sessionExpiresAt: number;
}

/**
 * socket.io middleware: the ws_token from `auth` (never the URL) is consumed once; the session
 * it is bound to must still exist and belong to the same user. A provisional session (a guest's,
 * made for a token request) is used now, so it gets its full TTL.
 */
export function authMiddleware(tokens: TokenStore, sessions: SessionStore) {
  return async (socket: Socket, next: (error?: Error) => void) => {
    const token: unknown = socket.handshake.auth?.token;
    if (token === undefined || token === null || token === "") return next(connectError("TOKEN_MISSING"));
    if (typeof token !== "string") return next(connectError("TOKEN_INVALID"));
    try {
      const binding = await tokens.consume(token);
      if (!binding) return next(connectError("TOKEN_INVALID"));
      const found = await sessions.get(binding.sessionId);
      if (!found || found.userId !== binding.userId) return next(connectError("UNAUTHORIZED"));
      const session = found.pendingTtlMs === undefined ? found : await sessions.confirm(found.id);
      if (!session) return next(connectError("UNAUTHORIZED"));
      const identity: SocketIdentity = {
        sessionId: session.id,
        kind: session.kind,
        user: { id: session.userId, name: session.userName },
        sessionExpiresAt: session.expiresAt,
      };
      socket.data.identity = identity;
      next();
    } catch (error) {
      const refusal = connectError("INTERNAL");
      refusal.cause = error;
      next(refusal);
    }
  };
}
