/**
 * Lifecycle hooks: edit to react to connections (presence, audit logs...). They run after the
 * token is accepted, on disconnect with socket.io's reason, and on refused handshakes.
 */
import type { WhiskHooks } from "../whisk/server";
import type { AppContext } from "./context";

export const hooks: WhiskHooks<AppContext> = {
  onConnect(connection, ctx) {
    ctx.log.info({ socket: connection.socketId, user: connection.user.id }, "connected");
  },
  onDisconnect(connection, reason, ctx) {
    ctx.log.info({ socket: connection.socketId, user: connection.user.id, reason }, "disconnected");
  },
  onAuthFailure(failure, ctx) {
    ctx.log.warn({ code: failure.error.code, origin: failure.origin }, "handshake refused");
  },
};
