import type { Server, Socket } from "socket.io";
import { MAX_RESUME_GATEWAYS, RESUME_EVENT, type ResumeGrant } from "../core/protocol";
import type { TokenStore } from "../session/token-store";
import type { SocketIdentity } from "./auth-middleware";
import type { Logger } from "./logger";

/** How often the gateway looks for sockets due a resume token, at most: one timer for all of them. */
const SWEEP_MS = 15_000;
/** Sockets handed tokens per turn of the event loop, so a sweep of 10,000 never stalls the gateway. */
const SWEEP_CHUNK = 500;

export interface ResumeTokenOptions {
  tokens: TokenStore;
  /** How long a resume token lives. */
  ttlMs: number;
  /** After how long a socket gets a fresh one. */
  renewAfterMs: number;
  /** How long a socket is connected before its first (0: at once, on connect). */
  firstAfterMs: number;
  /** The other live gateways' URLs (direct gateways only): read once a sweep, sent with each token. */
  otherGateways?: () => Promise<string[]>;
  log: Logger;
}

/**
 * Hands each connected socket a ws_token for its next reconnect (`whisk.resume`), so that a
 * reconnect, one socket's or a storm of thousands after a gateway dies, asks the web tier for
 * nothing. Each is an ordinary ws_token from the same store: single-use, bound to the socket's
 * session and user (the handshake checks both again), living `ttlMs`.
 *
 * A socket gets its first once it has been connected `firstAfterMs`, not during its handshake:
 * a burst of connects (a storm landing on this gateway) then costs no token writes, and a socket
 * that lives seconds costs none at all. It gets a fresh one once its last is `renewAfterMs` old.
 * One sweep for the whole gateway, not a timer per socket; the one a renewal replaces is spent
 * then, so the store holds one per socket. The client falls back to `getToken()` while it has none.
 *
 * Where pages reach gateways directly, each token also names the other live gateways: a client
 * whose gateway dies or drains moves to one of them with it, so even then the web tier is not asked.
 */
export function handOutResumeTokens(io: Server, options: ResumeTokenOptions): { stop(): void } {
  const { tokens, ttlMs, renewAfterMs, firstAfterMs, otherGateways, log } = options;
  let gateways: string[] = [];
  const lookUpGateways = async () => {
    if (!otherGateways) return;
    try {
      gateways = (await otherGateways()).slice(0, MAX_RESUME_GATEWAYS);
    } catch (error) {
      log.warn({ err: String(error) }, "could not read the live gateways; resume tokens name none until the next sweep");
      gateways = [];
    }
  };
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
        const grant: ResumeGrant = gateways.length > 0 ? { token, expiresAt, gateways } : { token, expiresAt };
        socket.emit(RESUME_EVENT, grant);
        if (replaced) return tokens.consume(replaced);
      })
      .catch((error) => log.warn({ err: String(error) }, "could not issue a resume token; the client will ask for a token instead"));
  };
  const isDue = (socket: Socket, now: number) => {
    const issuedAt = socket.data.resumeIssuedAt as number | undefined;
    return issuedAt === undefined ? now - socket.handshake.issued >= firstAfterMs : now - issuedAt >= renewAfterMs;
  };

  let sweeping = false;
  const sweep = async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      await lookUpGateways();
      const now = Date.now();
      let handed = 0;
      for (const socket of [...io.of("/").sockets.values()]) {
        if (!socket.connected || !isDue(socket, now)) continue;
        handOut(socket);
        if (++handed % SWEEP_CHUNK === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      sweeping = false;
    }
  };
  void lookUpGateways();
  if (firstAfterMs === 0) io.on("connection", handOut);
  const timer = setInterval(() => void sweep(), Math.min(SWEEP_MS, renewAfterMs, firstAfterMs || SWEEP_MS));
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      io.off("connection", handOut);
    },
  };
}
