import { newClientId } from "../core/client-id";
import type { WhiskErrorPayload } from "../core/errors";
import type { EmitResult } from "../core/result";
import type { ConnectionState } from "./connection-state";

/**
 * Where a held room stands: waiting for a connection, joining, joined, or refused (`error` says
 * why; it is asked again on the next connection).
 */
export type RoomStatus = "connecting" | "joining" | "joined" | "refused";

/**
 * A message this client sent, shown before the room's copy comes back: `sending` until the
 * server answers, `sent` once it has (the copy is on its way), `failed` when it refused, did not
 * answer, or the copy did not come within CONFIRM_TIMEOUT_MS (`error` says which; `retry` it).
 */
export interface PendingSend<Optimistic> {
  clientId: string;
  message: Optimistic;
  state: "sending" | "sent" | "failed";
  error: WhiskErrorPayload | null;
}

export interface RoomView<Message, Optimistic = unknown> {
  status: RoomStatus;
  /** Its history, then what arrived live, in order and each once; the last `maxMessages`. */
  messages: readonly Message[];
  /** What this client sent that the room has not sent back yet, in the order sent: shown after `messages`. */
  pending: readonly PendingSend<Optimistic>[];
  error: WhiskErrorPayload | null;
}

/** What the feeds need of a connection (a `WhiskConnection`). */
export interface RoomConnection {
  getState(): ConnectionState;
  subscribe(listener: () => void): () => void;
  emit(event: string, payload: unknown): Promise<EmitResult<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

interface Position {
  epoch: string;
  offset: string;
}

interface RoomMessageShape {
  room?: unknown;
  position?: Position;
  clientId?: unknown;
}

interface JoinAnswer {
  messages: RoomMessageShape[];
  resumed: boolean;
}

const DEFAULT_MAX_MESSAGES = 500;

/** The least time between two presence states sent for one room: typing fast sends ten a second at most. */
export const PRESENCE_THROTTLE_MS = 100;

/** How long a sent message's copy may take to come back through the room before it shows as failed. */
export const CONFIRM_TIMEOUT_MS = 15_000;

/** What this client says about itself in one room, and when it was last sent. */
interface MyPresence {
  state: Record<string, unknown>;
  sentAt: number;
  timer: ReturnType<typeof setTimeout> | null;
}

/** One held room: who holds it, what it has shown, and where to resume from. */
class HeldRoom {
  holders = 0;
  /** The socket this room was last joined on (or is being joined on). */
  socketId: string | null = null;
  /** Joined once already: later joins are quiet rejoins that catch up from `position`. */
  joinedBefore = false;
  position: Position | null = null;
  readonly seen = new Set<string>();
  view: RoomView<unknown> = { status: "connecting", messages: [], pending: [], error: null };
  /** A pending send's payload and its confirm timer, by client id. */
  readonly sends = new Map<string, { input: Record<string, unknown>; timer: ReturnType<typeof setTimeout> | null }>();
}

/**
 * The rooms a client holds (`useRoom`, or `connection.rooms.hold(...)` outside React): each is
 * joined when first held, left a moment after its last holder lets go (so React Strict Mode's
 * unmount-and-mount is no leave-and-join), and joined again on every new socket, asking for
 * exactly what it missed (its last position). Messages are kept once each, by their position.
 */
export class RoomFeeds {
  private readonly rooms = new Map<string, HeldRoom>();
  private readonly stopListening = new Map<string, () => void>();
  private readonly listeners = new Set<() => void>();
  private stopWatching: (() => void) | null = null;
  /**
   * Joins and leaves on one socket go one after another, each once the last is answered: the
   * server runs a socket's events side by side, so a slow join sent before a leave could
   * otherwise land after it, and leave the socket in a room nobody holds.
   */
  private changes: { socketId: string; last: Promise<unknown> } | null = null;
  private readonly myPresence = new Map<string, MyPresence>();

  constructor(
    private readonly connection: RoomConnection,
    private readonly options: { maxMessages?: number } = {},
  ) {}

  /** Holds `room` of `group` (joins it if nobody held it); returns the release. */
  hold(group: string, room: string): () => void {
    const key = keyOf(group, room);
    let held = this.rooms.get(key);
    if (!held) {
      held = new HeldRoom();
      this.rooms.set(key, held);
      this.listenTo(group);
      this.watchConnection();
    }
    held.holders += 1;
    this.joinIfDue(group, room, held);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      (held as HeldRoom).holders -= 1;
      setTimeout(() => this.leaveIfUnheld(group, room), 0);
    };
  }

  /** The room's view; the same object until something in it changes (for `useSyncExternalStore`). */
  view<Message>(group: string, room: string): RoomView<Message> {
    return (this.rooms.get(keyOf(group, room))?.view ?? NOT_HELD) as RoomView<Message>;
  }

  /**
   * Sends `input` to the room (`<group>.send`) with a new client id. With `optimistic` (the
   * message as it will look), it shows at once in `pending` until the room's copy, carrying the
   * same `clientId`, takes its place; what other people said meanwhile goes before it.
   */
  async send(group: string, room: string, input: Record<string, unknown>, optimistic?: unknown): Promise<EmitResult<unknown>> {
    const clientId = newClientId();
    const held = this.rooms.get(keyOf(group, room));
    if (held && optimistic !== undefined) {
      held.sends.set(clientId, { input, timer: null });
      this.update(held, { pending: [...held.view.pending, { clientId, message: optimistic, state: "sending", error: null }] });
    }
    return this.emitSend(group, room, clientId, input);
  }

  /** Sends a failed pending message again, under the same client id (a late copy of the first try still matches). */
  async retry(group: string, room: string, clientId: string): Promise<EmitResult<unknown> | null> {
    const held = this.rooms.get(keyOf(group, room));
    const send = held?.sends.get(clientId);
    if (!held || !send) return null;
    this.setPending(held, clientId, { state: "sending", error: null });
    return this.emitSend(group, room, clientId, send.input);
  }

  /** Forgets a pending message (one that failed, and the user gave up on). */
  discard(group: string, room: string, clientId: string): void {
    const held = this.rooms.get(keyOf(group, room));
    if (held) this.settle(held, clientId);
  }

  private async emitSend(group: string, room: string, clientId: string, input: Record<string, unknown>) {
    const result = await this.connection.emit(`${group}.send`, { ...input, room, clientId });
    const held = this.rooms.get(keyOf(group, room));
    const send = held?.sends.get(clientId);
    if (!held || !send) return result;
    if (result.status !== "ok") {
      this.setPending(held, clientId, { state: "failed", error: result.status === "timeout" ? NO_SEND_ANSWER : result.error });
      return result;
    }
    this.setPending(held, clientId, { state: "sent" });
    if (send.timer) clearTimeout(send.timer);
    send.timer = setTimeout(() => this.setPending(held, clientId, { state: "failed", error: NOT_CONFIRMED }), CONFIRM_TIMEOUT_MS);
    return result;
  }

  private setPending(held: HeldRoom, clientId: string, change: Partial<PendingSend<unknown>>) {
    if (!held.view.pending.some((each) => each.clientId === clientId)) return;
    this.update(held, { pending: held.view.pending.map((each) => (each.clientId === clientId ? { ...each, ...change } : each)) });
  }

  /** A pending message is done with: its copy came, or it was discarded. */
  private settle(held: HeldRoom, clientId: string) {
    if (this.forget(held, [clientId])) this.update(held, { pending: held.view.pending.filter((each) => each.clientId !== clientId) });
  }

  /** Drops these pending sends' records and timers; true if any was pending. */
  private forget(held: HeldRoom, clientIds: readonly unknown[]): boolean {
    let any = false;
    for (const clientId of clientIds) {
      const send = typeof clientId === "string" ? held.sends.get(clientId) : undefined;
      if (!send) continue;
      if (send.timer) clearTimeout(send.timer);
      held.sends.delete(clientId as string);
      any = true;
    }
    return any;
  }

  /** What this client last said about itself in the room (`updatePresence`), at once, before any echo. */
  myPresenceIn(group: string, room: string): Record<string, unknown> | undefined {
    return this.myPresence.get(keyOf(group, room))?.state;
  }

  /**
   * Merges `patch` into what this client says about itself in the room, shown at once here and
   * sent with `<group>.presence`: the first change at once, later ones at most every
   * PRESENCE_THROTTLE_MS (the latest state wins), and sent again after each rejoin (a new socket
   * starts with none).
   */
  updatePresence(group: string, room: string, patch: Record<string, unknown>): void {
    const key = keyOf(group, room);
    const mine = this.myPresence.get(key) ?? { state: {}, sentAt: 0, timer: null };
    mine.state = { ...mine.state, ...patch };
    this.myPresence.set(key, mine);
    for (const listener of this.listeners) listener();
    if (mine.timer) return;
    const wait = mine.sentAt + PRESENCE_THROTTLE_MS - Date.now();
    if (wait <= 0) this.sendPresence(group, room);
    else mine.timer = setTimeout(() => this.sendPresence(group, room), wait);
  }

  private sendPresence(group: string, room: string) {
    const mine = this.myPresence.get(keyOf(group, room));
    const state = this.connection.getState();
    if (!mine) return;
    mine.timer = null;
    // Not joined yet (or no socket): the join sends it.
    if (state.status !== "connected" || this.rooms.get(keyOf(group, room))?.view.status !== "joined") return;
    mine.sentAt = Date.now();
    void this.connection.emit(`${group}.presence`, { room, state: mine.state });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private watchConnection() {
    this.stopWatching ??= this.connection.subscribe(() => {
      for (const [key, held] of this.rooms) {
        const [group, room] = splitKey(key);
        this.joinIfDue(group, room, held);
      }
    });
  }

  private listenTo(group: string) {
    if (this.stopListening.has(group)) return;
    const stop = this.connection.on(`${group}.message`, (payload) => {
      const message = payload as RoomMessageShape;
      const held = this.rooms.get(keyOf(group, String(message.room)));
      if (held) this.show(held, [message], "after");
    });
    this.stopListening.set(group, stop);
  }

  /** Joins on a socket the room has not been joined on; a lost socket shows as `connecting`. */
  private joinIfDue(group: string, room: string, held: HeldRoom) {
    const state = this.connection.getState();
    if (state.status !== "connected") {
      if (held.view.status !== "connecting" && held.view.status !== "refused") this.update(held, { status: "connecting" });
      held.socketId = null;
      return;
    }
    if (held.socketId === state.socketId) return;
    held.socketId = state.socketId;
    void this.join(group, room, held, state.socketId);
  }

  private async join(group: string, room: string, held: HeldRoom, socketId: string) {
    this.update(held, { status: "joining" });
    const since = held.position ?? undefined;
    const result = await this.inOrder(socketId, () => this.connection.emit(`${group}.join`, { room, since, rejoin: held.joinedBefore }));
    // Let go of, or joined again on a newer socket, meanwhile: this answer is stale.
    if (this.rooms.get(keyOf(group, room)) !== held || held.socketId !== socketId) return;
    if (result.status !== "ok") {
      // Asked again on the next socket.
      this.update(held, { status: "refused", error: result.status === "timeout" ? NO_ANSWER : result.error });
      return;
    }
    held.joinedBefore = true;
    const answer = result.data as JoinAnswer;
    // Missed messages go after what is shown; a first (or unresumable) page goes before anything
    // that arrived live while it loaded.
    this.show(held, answer.messages, answer.resumed ? "after" : "before", { status: "joined", error: null });
    // A new socket is present with no state: say it again.
    if (this.myPresence.has(keyOf(group, room))) this.sendPresence(group, room);
  }

  /** Adds the messages not shown yet, with `change` in the same update. */
  private show(held: HeldRoom, messages: RoomMessageShape[], where: "before" | "after", change: Partial<RoomView<unknown>> = {}) {
    const fresh = messages.filter((message) => {
      const id = message.position ? `${message.position.epoch}:${message.position.offset}` : null;
      if (id === null) return true;
      if (held.seen.has(id)) return false;
      held.seen.add(id);
      return true;
    });
    // The room's copy of a message sent from here takes the pending one's place, in the same update.
    const copies = fresh.map((message) => message.clientId);
    if (this.forget(held, copies)) change = { ...change, pending: held.view.pending.filter((each) => !copies.includes(each.clientId)) };
    if (fresh.length === 0) {
      if (Object.keys(change).length > 0) this.update(held, change);
      return;
    }
    // Resume from the newest shown: a page that goes before live messages is older than they are,
    // unless nothing live came yet, or it is of a new epoch (the history was lost meanwhile).
    const last = fresh.at(-1)?.position;
    if (last && (where === "after" || !held.position || held.position.epoch !== last.epoch)) held.position = last;
    const max = this.options.maxMessages ?? DEFAULT_MAX_MESSAGES;
    const shown = held.view.messages;
    const messagesNow = (where === "after" ? [...shown, ...fresh] : [...fresh, ...shown]).slice(-max);
    this.update(held, { ...change, messages: messagesNow });
  }

  private leaveIfUnheld(group: string, room: string) {
    const key = keyOf(group, room);
    const held = this.rooms.get(key);
    if (!held || held.holders > 0) return;
    this.rooms.delete(key);
    for (const { timer } of held.sends.values()) if (timer) clearTimeout(timer);
    const mine = this.myPresence.get(key);
    if (mine?.timer) clearTimeout(mine.timer);
    this.myPresence.delete(key);
    const state = this.connection.getState();
    if (state.status === "connected" && held.view.status !== "refused")
      void this.inOrder(state.socketId, () => this.connection.emit(`${group}.leave`, { room }));
    if (![...this.rooms.keys()].some((other) => splitKey(other)[0] === group)) {
      this.stopListening.get(group)?.();
      this.stopListening.delete(group);
    }
    if (this.rooms.size === 0) {
      this.stopWatching?.();
      this.stopWatching = null;
    }
  }

  /** Runs `change` once the socket's last join or leave is answered; a new socket starts afresh. */
  private inOrder<T>(socketId: string, change: () => Promise<T>): Promise<T> {
    const last = this.changes?.socketId === socketId ? this.changes.last : Promise.resolve();
    const run = last.then(change, change);
    this.changes = { socketId, last: run.catch(() => {}) };
    return run;
  }

  private update(held: HeldRoom, change: Partial<RoomView<unknown>>) {
    held.view = { ...held.view, ...change };
    for (const listener of this.listeners) listener();
  }
}

const NOT_HELD: RoomView<never> = { status: "connecting", messages: [], pending: [], error: null };
const NO_ANSWER: WhiskErrorPayload = { code: "TIMEOUT", message: "The server did not answer the join in time." };
const NO_SEND_ANSWER: WhiskErrorPayload = { code: "TIMEOUT", message: "The server did not answer in time; it may not have been sent." };
const NOT_CONFIRMED: WhiskErrorPayload = { code: "TIMEOUT", message: "Sent, but it did not come back from the room in time." };

const keyOf = (group: string, room: string) => `${group}\0${room}`;
const splitKey = (key: string) => key.split("\0") as [string, string];
