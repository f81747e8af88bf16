import type { Server } from "socket.io";
import type { WhiskError } from "../core/errors";
import type { SessionStore } from "../session/session-store";
import type { TokenStore } from "../session/token-store";
import { authMiddleware, type SocketIdentity } from "./auth-middleware";
import { limitConnectAttempts } from "./connect-attempts";
import { connectError } from "./connect-error";
import { ConnectionSlots } from "./connection-slots";
import type { GatewayLimits } from "./gateway-limits";
import { clientAddressOf, type ReportRefusal } from "./handshake-gate";
import type { Logger } from "./logger";

/**
 * The socket.io middlewares every socket passes, in order: the CONNECT-attempt limit, then (unless
 * the gateway is draining) the one-time token, then a slot among its user's sockets. A refusal is
 * a `connect_error` with its code, reported once.
 */
export function admitSockets(
  io: Server,
  options: {
    tokens: TokenStore;
    sessions: SessionStore;
    limits: Pick<GatewayLimits, "maxConnectAttempts" | "maxConnectionsPerUser">;
    isDraining: () => boolean;
    refuse: ReportRefusal;
    log: Logger;
  },
): void {
  const { refuse, log } = options;
  const slots = new ConnectionSlots(options.limits.maxConnectionsPerUser);
  const checkToken = authMiddleware(options.tokens, options.sessions);

  io.use(
    limitConnectAttempts(options.limits.maxConnectAttempts, (socket) =>
      refuse("RATE_LIMITED", socket.handshake.headers.origin, clientAddressOf(socket)),
    ),
  );

  io.use(async (socket, next) => {
    if (options.isDraining()) return next(connectError("DRAINING"));
    await checkToken(socket, (error) => {
      const whisk = (error as { whisk?: WhiskError } | undefined)?.whisk;
      if (whisk) refuse(whisk.code, socket.handshake.headers.origin, clientAddressOf(socket));
      if (whisk?.code === "INTERNAL") log.error({ err: error?.cause }, "token check failed");
      if (error) return next(error);
      const { user } = socket.data.identity as SocketIdentity;
      if (!slots.admit(socket, user.id, next)) {
        refuse("LIMIT_REACHED", socket.handshake.headers.origin, clientAddressOf(socket));
        next(connectError("LIMIT_REACHED"));
      }
    });
  });
}
