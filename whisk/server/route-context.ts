import type { Socket } from "socket.io";
import type { PresentUser } from "../presence/presence-store";
import type { SessionKind, SessionStore } from "../session/session-store";
import type { SocketIdentity } from "./auth-middleware";
import type { HandlerContext, RouteContext, SessionHandle } from "./definitions";
import type { Logger } from "./logger";
import type { PresenceTracker } from "./presence-tracker";
import { SocketMembership } from "./socket-membership";

/** `ctx.session`: the socket's session, read fresh and updated in the store. */
class SocketSession implements SessionHandle {
  constructor(
    readonly id: string,
    readonly kind: SessionKind,
    private readonly sessions: SessionStore,
  ) {}

  async read(): Promise<Record<string, unknown>> {
    return (await this.sessions.get(this.id))?.data ?? {};
  }

  async update(patch: Record<string, unknown>): Promise<void> {
    await this.sessions.update(this.id, patch);
  }
}

/**
 * The `ctx` of every route a socket calls, made once per socket. A class, so a gateway's
 * thousands of sockets share its methods rather than each holding closures, and the socket's
 * logger is made on first use (most sockets never log).
 */
export class SocketRouteContext<AppContext> implements RouteContext<AppContext> {
  readonly bus: HandlerContext<AppContext>["bus"];
  readonly sessions: SessionStore;
  readonly history: HandlerContext<AppContext>["history"];
  readonly node: { id: string };
  readonly user: { id: string; name: string };
  readonly session: SessionHandle;
  readonly socket: SocketMembership;
  #log: Logger | undefined;

  constructor(
    socket: Socket,
    identity: SocketIdentity,
    private readonly base: HandlerContext<AppContext>,
    private readonly tracker: PresenceTracker,
    maxRooms: number,
  ) {
    this.bus = base.bus;
    this.sessions = base.sessions;
    this.history = base.history;
    this.node = base.node;
    this.user = identity.user;
    this.session = new SocketSession(identity.sessionId, identity.kind, base.sessions);
    const entry = { socketId: socket.id, userId: identity.user.id, userName: identity.user.name, nodeId: base.node.id };
    this.socket = new SocketMembership(socket, entry, tracker, maxRooms);
  }

  /** Read at each use: a development reload may give the app new services. */
  get services(): AppContext {
    return this.base.services;
  }

  get log(): Logger {
    this.#log ??= this.base.log.child({ socket: this.socket.id });
    return this.#log;
  }

  presence(room: string, options?: { maxAgeMs?: number }): Promise<PresentUser[]> {
    return options?.maxAgeMs ? this.tracker.recentUsersIn(room, options.maxAgeMs) : this.tracker.usersIn(room);
  }
}
