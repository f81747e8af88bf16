import type { Server, Socket } from "socket.io";
import { RESUME_EVENT } from "../core/protocol";
import type { TokenStore } from "../session/token-store";
import type { SocketIdentity } from "./auth-middleware";
import type { Logger } from "./logger";

/** How often the gateway looks for sockets whose resume token is due for renewal: one timer for all of them. */
const RENEWAL_SWEEP_MS = 15_000;

/**
 * Hands each connected socket a ws_token for its next reconnect (`whisk.resume`), so that a
 * reconnect, one socket's or a storm of thousands after a gateway dies, asks the web tier for
 * nothing. Each is an ordinary ws_token from the same store: single-use, bound to the socket's
 * session and user (the handshake checks both again), living `ttlMs`. A socket gets one right
 * after it connects and a fresh one once its last is `renewAfterMs` old: one sweep for the whole
 * gateway, not a timer per socket; the one it replaces is spent then, so the store holds one per
 * socket. The client falls back to `getToken()` if it is refused.
 */
export function handOutResumeTokens(
  io: Server,
  options: { tokens: TokenStore; ttlMs: number; renewAfterMs: number; log: Logger },
): { stop(): void } {
  const { tokens, ttlMs, renewAfterMs, log } = options;
  const handOut = (socket: Socket) => {
    const identity = socket.data.identity as SocketIdentity | undefined;
    if (!identity) return;
    socket.data.resumeIssuedAt = Date.now();
    tokens
      .issue({ sessionId: identity.sessionId, userId: identity.user.id }, ttlMs)
      .then(({ token, expiresAt }) => {
        if (!socket.connected) return tokens.consume(token);
        // The one it replaces is spent now: a socket holds one resume token, not one per renewal.
        const replaced = socket.data.resumeToken as string | undefined;
        socket.data.resumeToken = token;
        socket.emit(RESUME_EVENT, { token, expiresAt });
        if (replaced) return tokens.consume(replaced);
      })
      .catch((error) => log.warn({ err: String(error) }, "could not issue a resume token; the client will ask for a token instead"));
  };
  io.on("connection", handOut);
  const sweep = setInterval(
    () => {
      const dueBefore = Date.now() - renewAfterMs;
      for (const socket of io.of("/").sockets.values()) {
        if ((socket.data.resumeIssuedAt ?? 0) <= dueBefore) handOut(socket);
      }
    },
    Math.min(RENEWAL_SWEEP_MS, renewAfterMs),
  );
  sweep.unref();
  return {
    stop() {
      clearInterval(sweep);
      io.off("connection", handOut);
    },
  };
}
