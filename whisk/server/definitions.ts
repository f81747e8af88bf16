import type { z } from "zod";
import type { Bus } from "../bus/bus";
import type { ErrorCode } from "../core/errors";
import type { HistoryEntry, HistoryPosition, HistoryStore } from "../history/history-store";
import type { PresentUser } from "../presence/presence-store";
import type { SessionKind, SessionStore } from "../session/session-store";
import type { Logger } from "./logger";
import type { SlowClientPolicy } from "./slow-client-queues";

/**
 * What every handler gets: the app's own context (models, services), the bus, the shared
 * session store (any session by id, from any process), the node and a logger.
 */
export interface HandlerContext<AppContext> {
  services: AppContext;
  bus: Bus;
  sessions: SessionStore;
  /** The rooms' kept messages (memory in one process, Redis Streams when scaled); see `defineRooms`. */
  history: HistoryStore;
  node: { id: string };
  log: Logger;
}

/** The session behind a socket. `data` is read fresh with `read()`; writes merge atomically. */
export interface SessionHandle {
  id: string;
  /** `member` (signed in) or `guest`; a route group with `access: "members"` never sees a guest. */
  kind: SessionKind;
  read(): Promise<Record<string, unknown>>;
  update(patch: Record<string, unknown>): Promise<void>;
}

export interface RouteContext<AppContext> extends HandlerContext<AppContext> {
  /** Who sent the event: always from the session, never from the payload. */
  user: { id: string; name: string };
  session: SessionHandle;
  /**
   * Who is in a room now, on every gateway, one entry per user. With `maxAgeMs`, an answer this
   * gateway read at most that long ago will do: a route called often (a whisper checking that its
   * addressee is in the room) then reads the store once per room per `maxAgeMs`, not per call.
   */
  presence(room: string, options?: { maxAgeMs?: number }): Promise<PresentUser[]>;
  /** The sending socket. Joining a room also makes it present there (see `usePresence`). */
  socket: SocketHandle;
}

/** `ctx.socket`: the app rooms of the socket that sent the event. */
export interface SocketHandle {
  id: string;
  join(room: string): Promise<void>;
  leave(room: string): Promise<void>;
  /** Leaves every other room and joins `room`, as one step (a chat that shows one room at a time). */
  moveTo(room: string): Promise<void>;
  rooms(): string[];
  /** Sets what this socket says about itself in `room` (see `defineRooms`' `presence`); false if it is not in the room. */
  setPresenceState(room: string, state: unknown): Promise<boolean>;
}

export interface ObserverContext<AppContext> extends HandlerContext<AppContext> {
  from: { nodeId: string };
}

export type WorkerContext<AppContext> = HandlerContext<AppContext>;

export interface RouteDefinition<S extends z.ZodType, Output, AppContext> {
  readonly kind: "route";
  readonly schema: S;
  /** Events one call takes from the socket's budget; 1 when not given (`route.input(s).cost(n)`). */
  readonly cost?: number;
  /** What the ack's `data` is, for the contract (`route.input(s).output(o)`); the handler's return type is checked against it. */
  readonly output?: z.ZodType;
  /** The route's own refusals, by code, for the contract (`route.input(s).refuses({ FORBIDDEN: "..." })`). */
  readonly refusals?: Partial<Record<ErrorCode, string>>;
  readonly handler: (input: z.output<S>, ctx: RouteContext<AppContext>) => Output | Promise<Output>;
}

/** An observer turns a bus message into what its clients receive; `undefined` emits nothing. */
export interface ObserverDefinition<S extends z.ZodType, Output, AppContext> {
  readonly kind: "observer";
  readonly schema: S;
  readonly handler: (payload: z.output<S>, ctx: ObserverContext<AppContext>) => Output | undefined | Promise<Output | undefined>;
  /** What a slow reader gets (see slow-client-queues.ts); none: one broadcast, the watchdog cuts a stalled reader. */
  readonly slowClients?: SlowClientPolicy;
  /** Where this topic's room messages are also kept, so a gateway fills a bus gap from there (history-gap-filler.ts). */
  readonly kept?: KeptInHistory<z.output<S>>;
  /** What clients receive, for the contract, when the handler makes it something else than the topic's payload (`.output(o)`). */
  readonly output?: z.ZodType;
}

/**
 * A topic published to rooms whose every message is appended to the room's history stream before
 * it is published (the chat's `room.message`). Its position in the stream travels in the payload.
 */
export interface KeptInHistory<Payload> {
  /** The history stream of a room (its id, as in `toRoom(id)`). */
  stream(room: string): string;
  /** Where a published message sits in its room's stream. */
  position(payload: Payload): HistoryPosition;
  /** A stored entry of `room`'s stream as the payload this topic is published with. */
  payload(entry: HistoryEntry, epoch: string, room: string): Payload;
}

/** A worker handles one job; what it returns is the reply to `bus.request`, if one was asked. */
export interface WorkerDefinition<S extends z.ZodType, Output, AppContext> {
  readonly kind: "worker";
  readonly schema: S;
  readonly handler: (payload: z.output<S>, ctx: WorkerContext<AppContext>) => Output | Promise<Output>;
}

// biome-ignore lint/suspicious/noExplicitAny: the widest route, for collections of routes of any app
export type AnyRoute = RouteDefinition<z.ZodType, any, any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
export type AnyObserver = ObserverDefinition<z.ZodType, any, any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
export type AnyWorker = WorkerDefinition<z.ZodType, any, any>;
