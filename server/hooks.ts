/**
 * Lifecycle hooks: edit to react to connections (presence, audit logs...). They run after the
 * token is accepted, on disconnect with socket.io's reason, and on refused handshakes.
 */
import type { WhiskHooks } from "whisk/server";
import type { AppServices } from "./services";

export const hooks: WhiskHooks<AppServices> = {
  onConnect(connection, ctx) {
    ctx.log.info({ socket: connection.socketId, user: connection.user.id }, "connected");
  },
  onDisconnect(connection, reason, ctx) {
    ctx.log.info({ socket: connection.socketId, user: connection.user.id, reason }, "disconnected");
  },
  // The gateway already logs refusals (a few lines a second at most, with a count of the rest)
  // and counts them in /metrics: a line here per refusal would let a flood write the log.
  onAuthFailure() {},
};
