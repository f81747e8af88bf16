import type { Server, Socket } from "socket.io";
import { nodeRoom, sessionRoom, userRoom } from "../core/address";
import { WELCOME_EVENT, type Welcome } from "../core/protocol";
import type { SocketIdentity } from "./auth-middleware";
import type { SessionEnds } from "./close-at";
import type { HandlerContext } from "./definitions";
import { dispatchEvents } from "./event-dispatch";
import type { GatewayLimits } from "./gateway-limits";
import type { RunHook } from "./hook-runner";
import type { ConnectionInfo, WhiskHooks } from "./hooks";
import type { Logger } from "./logger";
import type { WhiskMetrics } from "./metrics";
import type { PresenceTracker } from "./presence-tracker";
import { SocketRouteContext } from "./route-context";
import type { RouteEntry } from "./route-table";

/**
 * What every admitted socket gets: its route context and event dispatch, a close when its session
 * ends, its own rooms (user, session, node) so any process can address it, then the welcome and
 * `onConnect`; on disconnect, its presence is left and `onDisconnect` runs.
 */
export function welcomeSockets<AppContext>(
  io: Server,
  options: {
    ctx: HandlerContext<AppContext>;
    presence: PresenceTracker;
    /** Closes each socket when its session ends. */
    sessionEnds: SessionEnds;
    routes: ReadonlyMap<string, RouteEntry>;
    limits: GatewayLimits;
    hooks: WhiskHooks<AppContext>;
    runHook: RunHook;
    metrics: WhiskMetrics;
    log: Logger;
  },
): void {
  const { ctx: base, presence, hooks, runHook, log } = options;
  io.on("connection", async (socket: Socket) => {
    const identity = socket.data.identity as SocketIdentity;
    const connection: ConnectionInfo = { socketId: socket.id, sessionId: identity.sessionId, user: identity.user };
    const ctx = new SocketRouteContext(socket, identity, base, presence, options.limits.maxRoomsPerSocket);
    dispatchEvents(socket, ctx, { routes: options.routes, limits: options.limits, metrics: options.metrics, log });
    // The session's end is known: close the socket then, not at the next revalidation.
    options.sessionEnds.watch(identity.sessionExpiresAt);
    socket.on("disconnect", (reason) => {
      presence.leaveAll(socket.id).catch((error) => log.warn({ err: String(error) }, "presence leave failed"));
      runHook(() => hooks.onDisconnect?.(connection, reason, base));
    });

    await socket.join([userRoom(identity.user.id), sessionRoom(identity.sessionId), nodeRoom(base.node.id)]);
    const welcome: Welcome = { nodeId: base.node.id, socketId: socket.id, user: identity.user };
    socket.emit(WELCOME_EVENT, welcome);
    runHook(() => hooks.onConnect?.(connection, base));
  });
}
