import type { Server, Socket } from "socket.io";
import { nodeRoom, sessionRoom, userRoom } from "../core/address";
import { WELCOME_EVENT, type Welcome } from "../core/protocol";
import type { SocketIdentity } from "./auth-middleware";
import type { SessionEnds } from "./close-at";
import type { HandlerContext } from "./definitions";
import { EventDispatch } from "./event-dispatch";
import type { GatewayLimits } from "./gateway-limits";
import type { RunHook } from "./hook-runner";
import type { ConnectionInfo, WhiskHooks } from "./hooks";
import type { Logger } from "./logger";
import type { WhiskMetrics } from "./metrics";
import type { PresenceTracker } from "./presence-tracker";
import { SocketRouteContext } from "./route-context";
import type { RouteEntry } from "./route-table";

/**
 * What every admitted socket gets: event dispatch (its route context is made at its first event),
 * a close when its session ends, its own rooms (user, session, node) so any process can address
 * it, then the welcome and `onConnect`; on disconnect, its presence is left and `onDisconnect` runs.
 * The listeners are shared by every socket (socket.io calls them with `this` = the socket), so a
 * socket holds no closures of its own.
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
  const dispatch = new EventDispatch<AppContext>({
    routes: options.routes,
    limits: options.limits,
    metrics: options.metrics,
    log,
    contextOf: (socket) => new SocketRouteContext(socket, identityOf(socket), base, presence, options.limits.maxRoomsPerSocket),
  });
  const ownNodeRoom = nodeRoom(base.node.id);

  function onDisconnect(this: Socket, reason: string) {
    presence.leaveAll(this.id).catch((error) => log.warn({ err: String(error) }, "presence leave failed"));
    runHook(() => hooks.onDisconnect?.(connectionOf(this), reason, base));
  }

  io.on("connection", async (socket: Socket) => {
    const identity = identityOf(socket);
    dispatch.attach(socket);
    // The session's end is known: close the socket then, not at the next revalidation.
    options.sessionEnds.watch(identity.sessionExpiresAt);
    socket.on("disconnect", onDisconnect);

    await socket.join([userRoom(identity.user.id), sessionRoom(identity.sessionId), ownNodeRoom]);
    const welcome: Welcome = { nodeId: base.node.id, socketId: socket.id, user: identity.user };
    socket.emit(WELCOME_EVENT, welcome);
    runHook(() => hooks.onConnect?.(connectionOf(socket), base));
  });
}

function identityOf(socket: Socket): SocketIdentity {
  return socket.data.identity as SocketIdentity;
}

/** What the lifecycle hooks are told about a socket, made when a hook is there to read it. */
function connectionOf(socket: Socket): ConnectionInfo {
  const identity = identityOf(socket);
  return { socketId: socket.id, sessionId: identity.sessionId, user: identity.user };
}
