import { io, type Socket } from "socket.io-client";
import { ERROR_CODES, isErrorCode, type WhiskErrorPayload } from "../core/errors";
import {
  DISCONNECT_EVENT,
  DRAIN_EVENT,
  ERROR_EVENT,
  PRESENCE_TOPIC,
  type PresenceUpdate,
  type TokenGrant,
  WELCOME_EVENT,
  type Welcome,
  WHISK_PATH,
} from "../core/protocol";
import type { Ack, EmitResult } from "../core/result";
import { delayFor } from "./backoff";
import { type ConnectionEvent, type ConnectionState, INITIAL_STATE, transition } from "./connection-state";
import { applyPresenceUpdate } from "./presence-view";
import { readRefusal } from "./read-refusal";

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
  /** Handshake retries Whisk drives itself (token refused) before giving up with `error`. */
  maxAuthRetries?: number;
  /** Passed to socket.io-client, e.g. `extraHeaders` in Node. */
  socketOptions?: Record<string, unknown>;
}

type Listener = (payload: unknown) => void;

const NOBODY: PresenceUpdate["users"] = [];

/** Transport failures in a row after which the client asks for a (possibly different) gateway. */
const SWITCH_AFTER_FAILURES = 1;

/** Codes a fresh token or a pause can fix; anything else stops the connection with an error state. */
const RETRYABLE = new Set(["TOKEN_MISSING", "TOKEN_INVALID", "UNAUTHORIZED", "INTERNAL", "DRAINING", "LIMIT_REACHED", "RATE_LIMITED"]);

/**
 * How the client reads the ways a server ends a connection:
 * - a closed transport (network, gateway gone, a slow reader cut off): socket.io reconnects by
 *   itself with a fresh token; the app catches up from history;
 * - `whisk.disconnect` with one of these codes, then a server disconnect (a flood): reconnect
 *   after a pause of its own, longer after each time (`delayFor(pauses + 2)`: 1 s, 2 s, 5 s...);
 * - a server disconnect without such a notice (sign-out, session ended): final, `disconnected`
 *   with reason `server`; `open()` starts a new connection.
 */
const COMES_BACK_AFTER = new Set(["RATE_LIMITED"]);

/**
 * One client connection to a Whisk gateway: a fresh token for every (re)connect, a state machine
 * the UI can show, typed emits that resolve to a result (never reject), and listeners that
 * survive reconnects. Creating it does nothing; `open()` connects.
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
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private authFailures = 0;
  private transportFailures = 0;
  /** Server disconnects announced as temporary (floods) since `open()`: each pause is longer. */
  private pauses = 0;
  private switching = false;
  /** Why the last `getToken()` failed: the gateway then only sees a missing token. */
  private tokenFailure: WhiskErrorPayload | null = null;
  /** Bumped by open and close, so a grant that arrives after close is ignored. */
  private generation = 0;
  private opening: Promise<Socket | null> | null = null;
  private url = "";
  /** The latest presence of each room this connection is in, from `whisk.presence` updates. */
  private readonly presence = new Map<string, PresenceUpdate["users"]>();
  private readonly presenceListeners = new Set<() => void>();

  constructor(private readonly options: ConnectionOptions) {}

  getState = (): ConnectionState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  };

  open(): void {
    if (this.socket || this.opening) return;
    this.dispatch({ type: "open" });
    const generation = ++this.generation;
    // The first grant comes before the socket: it may name the gateway to connect to.
    this.opening = this.options.getToken().then(
      (grant) => (generation === this.generation ? this.createSocket(grant) : null),
      (thrown: unknown) => {
        if (generation !== this.generation) return null;
        this.tokenFailure = tokenFailureOf(thrown);
        return this.createSocket(null);
      },
    );
  }

  /** Closes the connection; `open()` may be called again later. */
  close(): void {
    this.generation++;
    this.opening = null;
    this.release();
    if (this.state.status !== "disconnected" || this.state.reason !== "idle") this.dispatch({ type: "close" });
  }

  /** Forgets the socket and the retry counts, so the next `open()` starts from scratch. */
  private release() {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.dropSocket();
    this.authFailures = 0;
    this.transportFailures = 0;
    this.pauses = 0;
    this.tokenFailure = null;
  }

  private createSocket(grant: TokenGrant | null): Socket {
    this.opening = null;
    this.url = grant?.url ?? this.options.url ?? "";
    let firstGrant = grant;
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
      this.authFailures = 0;
      this.transportFailures = 0;
      this.dispatch({ type: "welcome", welcome });
    });
    // See COMES_BACK_AFTER for what each way of being disconnected means.
    let notice: WhiskErrorPayload | null = null;
    socket.on(DISCONNECT_EVENT, (body: WhiskErrorPayload) => {
      notice = body;
    });
    socket.on("disconnect", (reason) => {
      const told = notice;
      notice = null;
      if (reason === "io client disconnect") return;
      if (reason !== "io server disconnect") return this.dispatch({ type: "retrying" });
      if (told && COMES_BACK_AFTER.has(told.code)) return this.comeBackLater(socket, told);
      this.release();
      this.dispatch({ type: "kicked" });
    });
    socket.on("connect_error", (error) => this.onConnectError(socket, error));
    socket.on(ERROR_EVENT, (body: { error: WhiskErrorPayload }) => this.notify(ERROR_EVENT, body));
    // The gateway is going away: move now, while it still answers, instead of waiting to fail.
    socket.on(DRAIN_EVENT, () => this.switchGateway(socket, { evenToSameUrl: true }));
    socket.on(PRESENCE_TOPIC, (update: PresenceUpdate) => {
      this.presence.set(update.room, applyPresenceUpdate(this.presence.get(update.room) ?? NOBODY, update));
      for (const listener of this.presenceListeners) listener();
    });
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
    return new Promise((resolve) => {
      socket.timeout(options.timeoutMs ?? this.options.ackTimeoutMs ?? 10_000).emit(event, payload, (error: unknown, ack: unknown) => {
        resolve(error ? { status: "timeout" } : (ack as Ack<Routes[E]["output"]>));
      });
    });
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
        // Only the listener attach() added; whisk.error's own handler stays.
        if (event !== ERROR_EVENT) this.socket?.off(event);
      }
    };
  }

  /** Who is in `room` now, counted per user; empty until the first update for it arrives. */
  presenceOf = (room: string): PresenceUpdate["users"] => this.presence.get(room) ?? NOBODY;

  /** Calls `listener` whenever any room's presence changes. */
  subscribePresence = (listener: () => void): (() => void) => {
    this.presenceListeners.add(listener);
    return () => this.presenceListeners.delete(listener);
  };

  /** Listens to errors of events sent without an ack. */
  onError(listener: (body: { event: string; error: WhiskErrorPayload }) => void): () => void {
    return this.on(ERROR_EVENT as keyof Events & string, listener as (payload: Events[keyof Events & string]) => void);
  }

  private attach(event: string) {
    if (event === ERROR_EVENT) return;
    this.socket?.on(event, (payload: unknown) => this.notify(event, payload));
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
    // No token was sent because the token action threw: say that, not "the handshake carried none".
    if (refusal?.code === "TOKEN_MISSING" && this.tokenFailure) refusal = this.tokenFailure;
    this.tokenFailure = null;
    if (refusal && !RETRYABLE.has(refusal.code)) {
      this.fail(socket, refusal);
      return;
    }
    if (refusal?.code === "DRAINING") this.switchGateway(socket);
    if (refusal) {
      // A middleware refusal: socket.io does not retry these by itself.
      this.authFailures += 1;
      if (this.authFailures > (this.options.maxAuthRetries ?? 6)) return this.fail(socket, refusal);
      this.dispatch({ type: "retrying", error: refusal });
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (this.socket === socket) socket.connect();
      }, delayFor(this.authFailures));
      return;
    }
    // A transport failure (gateway down, network): socket.io retries with its own back-off,
    // and after a few failures we ask the web for a gateway again, which may name a live one.
    this.transportFailures += 1;
    this.dispatch({ type: "retrying" });
    if (this.transportFailures >= SWITCH_AFTER_FAILURES) this.switchGateway(socket);
  }

  private switchGateway(socket: Socket, options: { evenToSameUrl?: boolean } = {}) {
    if (this.switching) return;
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

  /** socket.io does not reconnect after a server disconnect: Whisk does, after a pause. */
  private comeBackLater(socket: Socket, error: WhiskErrorPayload) {
    this.pauses += 1;
    this.dispatch({ type: "retrying", error });
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        if (this.socket === socket) socket.connect();
      },
      delayFor(this.pauses + 2),
    );
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
