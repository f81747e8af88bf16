import { io, type Socket } from "socket.io-client";
import { ERROR_CODES, isErrorCode, type WhiskErrorPayload } from "../core/errors";
import {
  DISCONNECT_EVENT,
  DRAIN_EVENT,
  ERROR_EVENT,
  PRESENCE_TOPIC,
  RESUME_EVENT,
  type TokenGrant,
  WELCOME_EVENT,
  type Welcome,
  WHISK_PATH,
} from "../core/protocol";
import type { Ack, EmitResult } from "../core/result";
import { type ConnectionEvent, type ConnectionState, INITIAL_STATE, transition } from "./connection-state";
import { PresenceCache } from "./presence-cache";
import type { PresentUsers } from "./presence-view";
import { readRefusal } from "./read-refusal";
import { readResumeGrant } from "./resume-grant";
import { type ConnectionFailure, countsAfterWelcome, decideRetry, NO_FAILURES } from "./retry-policy";
import { type RoomConnection, RoomFeeds } from "./room-feeds";
import { TrafficLog } from "./traffic-log";

export type RouteMap = Record<string, { input: unknown; output: unknown }>;
export type EventMap = Record<string, unknown>;

export interface ConnectionOptions {
  /** Returns a fresh one-time ws_token; called before every (re)connect. Usually a server action. */
  getToken: () => Promise<TokenGrant>;
  /** The gateway's origin; defaults to the page's own. */
  url?: string;
  path?: string;
  /** How long `emit` waits for an ack before resolving `{ status: "timeout" }`. */
  ackTimeoutMs?: number;
  /**
   * Refused handshakes in a row (a bad or missing token, a failed `getToken()`, a full or
   * draining gateway, a rate limit) shown as `connecting`/`reconnecting` with a `lastError`; past
   * them the state turns to `error` with `retryAt` while Whisk goes on retrying, for ever, with a
   * jittered back-off capped at 30 s. 6 if not set. (Before, it was the number of tries before
   * Whisk gave up; it no longer gives up on these. A refusal no retry fixes, such as
   * ORIGIN_NOT_ALLOWED or FORBIDDEN, still stops at once.)
   */
  maxAuthRetries?: number;
  /** Passed to socket.io-client, e.g. `extraHeaders` in Node. */
  socketOptions?: Record<string, unknown>;
  /**
   * A grant minted with the page (its server component called `issueWsToken`): the first connect
   * uses it instead of calling `getToken()`, so a page load makes no extra request. Refused
   * (expired, say), the connection asks `getToken()` at once.
   */
  initialGrant?: TokenGrant;
}

/** A token handed in advance is used only while it has this long left: a handshake takes well under it. */
const PREPARED_TOKEN_MARGIN_MS = 1_000;

type Listener = (payload: unknown) => void;

/**
 * One client connection to a Whisk gateway: a fresh token for every (re)connect, a state machine
 * the UI can show, typed emits that resolve to a result (never reject), and listeners that
 * survive reconnects. When and how it retries is `decideRetry`'s decision; in a browser, it also
 * tries at once when the page comes back `online` or the tab is shown again (see `retryNow`).
 * Creating it does nothing; `open()` connects.
 *
 * @example
 * const connection = new WhiskConnection<ClientRoutes<WhiskApp>, ServerEvents<WhiskApp>>({ getToken });
 * connection.open();
 * const result = await connection.emit("world.say", { message: "hi" });
 * if (result.status === "ok") console.log(result.data);
 */
export class WhiskConnection<Routes extends RouteMap, Events extends EventMap> {
  private state: ConnectionState = INITIAL_STATE;
  private socket: Socket | null = null;
  private readonly stateListeners = new Set<() => void>();
  private readonly eventListeners = new Map<string, Set<Listener>>();
  /** The one socket handler per listened event that hands it to `eventListeners`, to remove it alone. */
  private readonly socketHandlers = new Map<string, (payload: unknown) => void>();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = NO_FAILURES;
  /** A `getToken()` asking for a gateway is under way: one at a time. */
  private switching = false;
  /** Why the last `getToken()` failed: the gateway then only sees a missing token. */
  private tokenFailure: WhiskErrorPayload | null = null;
  /** Bumped by open and close, so a grant that arrives after close is ignored. */
  private generation = 0;
  private opening: Promise<Socket | null> | null = null;
  /** Removes the `online` and `visibilitychange` listeners; null when none are installed (in Node, or closed). */
  private stopWakeUps: (() => void) | null = null;
  private url = "";
  private readonly presence = new PresenceCache();
  /**
   * A token handed in advance: the page's initial grant, then the resume token the gateway sends
   * each socket (`whisk.resume`). Single-use: taken (and cleared) by the next connect.
   */
  private prepared: TokenGrant | null;
  /**
   * The prepared token the handshake under way carries: refused, the handshake is tried again at
   * once with `getToken()`; unanswered (the gateway unreachable), it is kept for the next try.
   */
  private preparedInFlight: TokenGrant | null = null;
  /**
   * Where the last resume token may take this client instead of its gateway (direct gateways
   * only): each is tried once, then the web tier is asked (`getToken()`).
   */
  private otherGateways: string[] = [];
  /**
   * Whether token grants name the gateway to connect to (a web tier picking among gateways that
   * pages reach directly). Only then can asking for a grant move this connection elsewhere;
   * otherwise (one origin, a load balancer in front) asking would only cost the web tier a request.
   */
  private grantsNameGateways = false;
  /** The rooms this client holds (`useRoom`): joined on every new socket, with what they missed. */
  readonly rooms: RoomFeeds = new RoomFeeds(this as unknown as RoomConnection);
  /** What this connection sends and receives, recorded only while the devtools panel watches. */
  readonly traffic = new TrafficLog();

  constructor(private readonly options: ConnectionOptions) {
    this.prepared = options.initialGrant ?? null;
  }

  getState = (): ConnectionState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  };

  open(): void {
    if (this.socket || this.opening) return;
    this.dispatch({ type: "open" });
    this.listenForWakeUps();
    this.start();
  }

  /**
   * Asks for a token (or takes the one handed in advance), then makes the socket: the first grant
   * may name the gateway to connect to.
   */
  private start() {
    const generation = ++this.generation;
    const prepared = this.takePrepared();
    if (prepared) {
      this.createSocket(prepared);
      return;
    }
    this.opening = this.options.getToken().then(
      (grant) => (generation === this.generation ? this.createSocket(grant) : null),
      (thrown: unknown) => {
        if (generation !== this.generation) return null;
        this.tokenFailure = tokenFailureOf(thrown);
        // The handshake goes without a token (asking again at once would fail the same way).
        return this.createSocket(null, { tokenFailed: true });
      },
    );
  }

  /**
   * Tries now instead of at the end of the back-off, e.g. from a "Retry" button. While the
   * connection is failing and waiting to try again (connecting after a failure, reconnecting, or
   * `error` with `retryAt`), it drops the wait and connects with a fresh token, which may name
   * another gateway; the failure counts are kept, so a failed try waits as long as it would have.
   * After a stop (an error no retry fixes, or sent away by the server: a sign-out), it starts
   * again as `open()` does. Connected, a first try under way, closed, or never opened: nothing.
   */
  retryNow(): void {
    const { state } = this;
    if ((state.status === "error" && state.retryAt === undefined) || (state.status === "disconnected" && state.reason === "server")) {
      this.open();
      return;
    }
    this.retryIfFailing();
  }

  /** What `online` and a shown tab do: try now, only if failing (never after a sign-out or a close). */
  private retryIfFailing() {
    if (!this.isWaitingToRetry()) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.dropSocket();
    this.tokenFailure = null;
    this.start();
  }

  /** A try failed since the last welcome or `open()`, and no `getToken()` of ours is under way. */
  private isWaitingToRetry(): boolean {
    if (this.opening) return false;
    const { state } = this;
    if (state.status === "reconnecting") return true;
    if (state.status === "connecting") return state.attempt > 1;
    return state.status === "error" && state.retryAt !== undefined;
  }

  /**
   * In a browser, tries at once when the page is back `online` or the tab is shown again: the
   * back-off may have grown to 30 s while the laptop slept or the network was down. Not in Node.
   */
  private listenForWakeUps() {
    if (this.stopWakeUps) return;
    const { window: page, document: tab } = globalThis as {
      window?: Pick<EventTarget, "addEventListener" | "removeEventListener">;
      document?: Pick<EventTarget, "addEventListener" | "removeEventListener"> & { visibilityState?: string };
    };
    if (typeof page?.addEventListener !== "function") return;
    const onOnline = () => this.retryIfFailing();
    const onVisibilityChange = () => {
      if (tab?.visibilityState === "visible") this.retryIfFailing();
    };
    page.addEventListener("online", onOnline);
    tab?.addEventListener("visibilitychange", onVisibilityChange);
    this.stopWakeUps = () => {
      page.removeEventListener("online", onOnline);
      tab?.removeEventListener("visibilitychange", onVisibilityChange);
    };
  }

  /** Closes the connection; `open()` may be called again later. */
  close(): void {
    this.stopWakeUps?.();
    this.stopWakeUps = null;
    this.generation++;
    this.opening = null;
    this.release();
    if (this.state.status !== "disconnected" || this.state.reason !== "idle") this.dispatch({ type: "close" });
  }

  /** The token handed in advance, once, if it has time left; it is cleared either way. */
  private takePrepared(): TokenGrant | null {
    const prepared = this.prepared;
    this.prepared = null;
    this.preparedInFlight = prepared !== null && prepared.expiresAt - PREPARED_TOKEN_MARGIN_MS > Date.now() ? prepared : null;
    return this.preparedInFlight;
  }

  /** Forgets the socket and the failure counts, so the next `open()` starts from scratch. */
  private release() {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.dropSocket();
    this.failures = NO_FAILURES;
    this.tokenFailure = null;
  }

  private createSocket(grant: TokenGrant | null, { tokenFailed = false }: { tokenFailed?: boolean } = {}): Socket {
    this.opening = null;
    this.url = grant?.url ?? this.options.url ?? "";
    if (grant?.url !== undefined) this.grantsNameGateways = true;
    let firstGrant = grant;
    let firstTokenFailed = tokenFailed;
    const socket = io(this.url, {
      ...this.options.socketOptions,
      path: this.options.path ?? WHISK_PATH,
      withCredentials: true,
      // Called by socket.io before every connect and reconnect: never reuse a token.
      auth: (done) => {
        if (firstGrant) {
          done({ token: firstGrant.token });
          firstGrant = null;
          return;
        }
        // A reconnect with the resume token the gateway handed this socket: no request to the web tier.
        const prepared = this.takePrepared();
        if (prepared) {
          done({ token: prepared.token });
          return;
        }
        if (firstTokenFailed) {
          firstTokenFailed = false;
          // start()'s getToken() just failed, and tokenFailure says why (unless a failure to
          // reach the gateway came first and cleared it: then ask again).
          if (this.tokenFailure) {
            done({});
            return;
          }
        }
        this.options.getToken().then(
          (fresh) => {
            this.tokenFailure = null;
            done({ token: fresh.token });
          },
          (thrown: unknown) => {
            // Connecting without a token gets TOKEN_MISSING, which onConnectError replaces with this.
            this.tokenFailure = tokenFailureOf(thrown);
            done({});
          },
        );
      },
    });
    this.socket = socket;
    socket.on(WELCOME_EVENT, (welcome: Welcome) => {
      this.preparedInFlight = null;
      this.failures = countsAfterWelcome(this.failures);
      this.dispatch({ type: "welcome", welcome });
    });
    // A server disconnect reads differently with a notice just before it (see decideRetry).
    let notice: WhiskErrorPayload | null = null;
    socket.on(DISCONNECT_EVENT, (body: WhiskErrorPayload) => {
      notice = body;
    });
    socket.on("disconnect", (reason) => {
      const told = notice;
      notice = null;
      // A disconnect Whisk asked for is not a failure.
      if (reason === "io client disconnect") return;
      this.onFailure(socket, reason === "io server disconnect" ? { kind: "sent-away", notice: told } : { kind: "dropped" });
    });
    socket.on("connect_error", (error) => this.onConnectError(socket, error));
    socket.on(ERROR_EVENT, (body: { error: WhiskErrorPayload }) => this.notify(ERROR_EVENT, body));
    // The gateway is going away: move now, while it still answers, instead of waiting to fail.
    // Behind one origin, the resume token in hand is enough: the load balancer picks another.
    socket.on(DRAIN_EVENT, () => (this.grantsNameGateways ? this.switchGateway(socket, { evenToSameUrl: true }) : this.moveNow(socket)));
    socket.on(PRESENCE_TOPIC, this.presence.apply);
    socket.on(RESUME_EVENT, (payload: unknown) => {
      const resume = readResumeGrant(payload);
      if (!resume) return;
      this.prepared = resume.grant;
      this.otherGateways = resume.gateways;
      if (resume.gateways.length > 0) this.grantsNameGateways = true;
    });
    socket.onAny((event: string, payload: unknown) => this.traffic.received(event, payload));
    for (const event of this.eventListeners.keys()) this.attach(event);
    return socket;
  }

  private dropSocket() {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
  }

  /** A new connection with a new token, e.g. after the session changed. Listeners are kept. */
  reconnect(): void {
    // A token handed in advance belongs to the session before: never used for the new one.
    this.prepared = null;
    this.otherGateways = [];
    this.close();
    this.open();
  }

  /** Sends a route event and resolves to its ack, a typed error, or `{ status: "timeout" }`. */
  async emit<E extends keyof Routes & string>(
    event: E,
    payload: Routes[E]["input"],
    options: { timeoutMs?: number } = {},
  ): Promise<EmitResult<Routes[E]["output"]>> {
    const socket = this.socket ?? (this.opening ? await this.opening : null);
    if (!socket) {
      return { status: "error", error: { code: "INTERNAL", message: "Not connected: call open() first." } };
    }
    const logged = this.traffic.sent(event, payload);
    return new Promise((resolve) => {
      socket.timeout(options.timeoutMs ?? this.options.ackTimeoutMs ?? 10_000).emit(event, payload, (error: unknown, ack: unknown) => {
        const result: EmitResult<Routes[E]["output"]> = error ? { status: "timeout" } : (ack as Ack<Routes[E]["output"]>);
        if (logged !== undefined) this.traffic.answered(logged, result);
        resolve(result);
      });
    });
  }

  /** How the socket talks to the gateway now (`websocket` or `polling`); undefined while there is none. */
  transport(): string | undefined {
    return this.socket?.io.engine?.transport?.name;
  }

  /** Listens to a server event (an observer's output). Returns the function that stops it. */
  on<E extends keyof Events & string>(event: E, listener: (payload: Events[E]) => void): () => void {
    let listeners = this.eventListeners.get(event);
    if (!listeners) {
      listeners = new Set();
      this.eventListeners.set(event, listeners);
      this.attach(event);
    }
    listeners.add(listener as Listener);
    return () => {
      listeners.delete(listener as Listener);
      if (listeners.size === 0) {
        this.eventListeners.delete(event);
        // Only the handler attach() added: the connection's own (whisk.error, whisk.resume,
        // presence...) stay on the socket.
        const handler = this.socketHandlers.get(event);
        this.socketHandlers.delete(event);
        if (handler) this.socket?.off(event as string, handler as (...args: unknown[]) => void);
      }
    };
  }

  /** Who is in `room` now, counted per user; empty until the first update for it arrives. */
  presenceOf = (room: string): PresentUsers => this.presence.usersIn(room);

  /** Calls `listener` whenever any room's presence changes. */
  subscribePresence = (listener: () => void): (() => void) => this.presence.subscribe(listener);

  /** Listens to errors of events sent without an ack. */
  onError(listener: (body: { event: string; error: WhiskErrorPayload }) => void): () => void {
    return this.on(ERROR_EVENT as keyof Events & string, listener as (payload: Events[keyof Events & string]) => void);
  }

  private attach(event: string) {
    if (event === ERROR_EVENT) return;
    let handler = this.socketHandlers.get(event);
    if (!handler) {
      handler = (payload: unknown) => this.notify(event, payload);
      this.socketHandlers.set(event, handler);
    }
    this.socket?.on(event, handler);
  }

  private notify(event: string, payload: unknown) {
    for (const listener of this.eventListeners.get(event) ?? []) listener(payload);
  }

  private dispatch(event: ConnectionEvent) {
    const next = transition(this.state, event);
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.stateListeners) listener();
  }

  private onConnectError(socket: Socket, error: Error & { data?: unknown; description?: unknown }) {
    let refusal = readRefusal(error);
    const prepared = this.preparedInFlight;
    this.preparedInFlight = null;
    // A token handed in advance was refused (expired, already used, its session gone): not a
    // failure yet. Try again at once: with nothing prepared left, the handshake asks getToken().
    if (prepared && (refusal?.code === "TOKEN_INVALID" || refusal?.code === "UNAUTHORIZED")) {
      socket.connect();
      return;
    }
    // No gateway answered (it restarts, say), or one refused for another reason (a rate limit, a
    // gateway draining or failing): the token may be unspent, and the next try takes it again. If
    // it was spent after all, that try is refused TOKEN_INVALID and asks getToken() at once.
    if (prepared) this.prepared ??= prepared;
    // No token was sent because the token action threw: say that, not "the handshake carried none".
    if (refusal?.code === "TOKEN_MISSING" && this.tokenFailure) refusal = this.tokenFailure;
    this.tokenFailure = null;
    this.onFailure(socket, refusal ? { kind: "refused", error: refusal } : { kind: "unreachable" });
  }

  /** Carries out `decideRetry`'s decision about `failure`. */
  private onFailure(socket: Socket, failure: ConnectionFailure) {
    const { decision, counts } = decideRetry(failure, this.failures, { maxAuthRetries: this.options.maxAuthRetries, random: Math.random });
    this.failures = counts;
    switch (decision.action) {
      case "give-up":
        return this.fail(socket, decision.error);
      case "stay-disconnected":
        // Sent away (a sign-out, the session ended): the resume token's session is gone too.
        this.prepared = null;
        this.otherGateways = [];
        this.release();
        return this.dispatch({ type: "kicked" });
      case "socket-io-retries":
        this.dispatch({ type: "retrying" });
        break;
      case "retry-after":
        this.dispatch(
          decision.showAsError
            ? { type: "failed", error: decision.error, retryAt: Date.now() + decision.delayMs }
            : { type: "retrying", error: decision.error },
        );
        this.reconnectAfter(socket, decision.delayMs);
        break;
    }
    if (decision.askForGateway && this.grantsNameGateways) this.switchGateway(socket);
  }

  /** For what socket.io does not retry by itself: refusals and server disconnects. */
  private reconnectAfter(socket: Socket, delayMs: number) {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.socket === socket) socket.connect();
    }, delayMs);
  }

  /** Reconnects now to the same origin; the handshake takes the resume token in hand, or asks getToken(). */
  private moveNow(socket: Socket) {
    if (this.socket !== socket) return;
    this.dropSocket();
    this.createSocket(null);
  }

  /**
   * Moves to another gateway: one the last resume token named, with that token (a storm of
   * clients leaving a dead or draining gateway asks the web tier nothing), or else the one a
   * `getToken()` grant names. `evenToSameUrl` reconnects with the grant even to the same URL, to
   * leave a draining gateway now.
   */
  private switchGateway(socket: Socket, options: { evenToSameUrl?: boolean } = {}) {
    if (this.switching || this.socket !== socket) return;
    if (this.moveWithResumeToken()) return;
    this.switching = true;
    const generation = this.generation;
    this.options.getToken().then(
      (grant) => {
        this.switching = false;
        if (generation !== this.generation || this.socket !== socket) return;
        const moves = grant.url !== undefined && grant.url !== this.url;
        if (!moves && !options.evenToSameUrl) return;
        // The state stays as it is: the new socket's welcome updates the node, with no error shown.
        this.dropSocket();
        this.createSocket(moves ? grant : { ...grant, url: this.url || undefined });
      },
      () => {
        this.switching = false;
      },
    );
  }

  /** Moves to a gateway the resume token named, with it, if there is one left to try and the token is fresh. */
  private moveWithResumeToken(): boolean {
    const others = this.otherGateways.filter((url) => url !== this.url);
    if (others.length === 0 || !this.prepared) return false;
    const url = others[Math.floor(Math.random() * others.length)] as string;
    this.otherGateways = others.filter((other) => other !== url);
    const prepared = this.takePrepared();
    if (!prepared) return false;
    // The state stays as it is: the new socket's welcome updates the node, with no error shown.
    this.dropSocket();
    this.createSocket({ ...prepared, url });
    return true;
  }

  private fail(socket: Socket, error: WhiskErrorPayload) {
    if (this.socket === socket) this.release();
    else socket.disconnect();
    this.dispatch({ type: "failed", error });
  }
}

/**
 * What a throwing `getToken()` becomes: a Whisk error it carries (a client-side fetch may throw
 * `new WhiskError("UNAUTHORIZED")`), else INTERNAL. Next.js hides a server action's error text in
 * production, so the message is Whisk's own and says where it went wrong.
 */
function tokenFailureOf(thrown: unknown): WhiskErrorPayload {
  const { code, message } = (thrown ?? {}) as { code?: unknown; message?: unknown };
  if (isErrorCode(code) && code !== "INTERNAL")
    return { code, message: typeof message === "string" && message ? message : ERROR_CODES[code] };
  return { code: "INTERNAL", message: "Could not get a ws_token: the token action (getToken) failed." };
}
