import { z } from "zod";
import type { Topic } from "../bus/topic";
import { toRoom } from "../core/address";
import { WhiskError } from "../core/errors";
import { historyPositionSchema } from "../history/history-position-schema";
import type { HistoryPosition } from "../history/history-store";
import type { HandlerContext, ObserverDefinition, RouteContext, RouteDefinition } from "./definitions";
import { defineObservers, defineRoutes, type ObserverGroup, type RouteAccess, type RouteGroup } from "./groups";
import { asRoomMessage, checkedMessage, checkHistoryBounds, joinAnswerSchema, joinPage, roomAnswerSchema } from "./room-history";
import type { SlowClientPolicy } from "./slow-client-queues";

/**
 * How a room group keeps its messages: `onJoin` of them come with every join (and with every
 * catch-up); each room's stream holds at most `maxLength` (the store's own bound, 1,000, when
 * not given), and is forgotten `ttlMs` after its last message (never, when not given).
 */
export interface RoomHistory {
  onJoin: number;
  maxLength?: number;
  ttlMs?: number;
}

/** The most one socket's presence state may hold, as JSON: it goes to everyone in the room with each change. */
export const MAX_PRESENCE_STATE_BYTES = 1_024;

type RoomId = z.ZodType<string>;
type RoomMessageSchema = z.ZodObject;

/** A room message as its clients receive it: the app's fields, the room, and (when kept) its place in history. */
export type RoomMessage<Message, Id extends string, History extends RoomHistory | false> = Message & { room: Id } & (History extends false
    ? unknown
    : { position: HistoryPosition });

/** What `<group>.join` answers: the room's last messages, or exactly those missed since `since`. */
export interface JoinAnswer<Message> {
  room: string;
  messages: Message[];
  /** True when `messages` continue from `since`; false when they are the latest page instead. */
  resumed: boolean;
}

export interface RoomsOptions<
  Id extends RoomId,
  Message extends RoomMessageSchema,
  History extends RoomHistory | false,
  SendSchema extends z.ZodType<{ room: z.output<Id> }>,
  SendOutput,
  AppContext,
  Presence extends z.ZodType = z.ZodNever,
> {
  /** Which rooms exist: a schema of their ids (`z.enum([...])`, or a pattern). Ids are shared by every group; keep each group's distinct. */
  id: Id;
  /** What a room message holds, as the app publishes it (Whisk adds `room` and `position`). */
  message: Message;
  /** Keep every message in the room's history stream and answer each join with the last `onJoin`; `false` keeps nothing. */
  history: History;
  /** Who may join: throw a `WhiskError` (`FORBIDDEN`) to refuse. Runs on every join, rejoins after a reconnect too. */
  authorize?(room: z.output<Id>, ctx: RouteContext<AppContext>): void | Promise<void>;
  /** After a socket joins a room it was not in, except the quiet rejoin after a reconnect (to announce it). */
  joined?(room: z.output<Id>, ctx: RouteContext<AppContext>): void | Promise<void>;
  /** What a client sends to a room (`<group>.send`): a route whose input holds `room`; Whisk refuses it from a socket not in that room. */
  send?: RouteDefinition<SendSchema, SendOutput, AppContext>;
  /**
   * What each person may say about themselves in a room (typing, idle, a cursor): a schema of
   * their state, set with `<group>.presence` (`usePresence(...).update` on the client), at most
   * `MAX_PRESENCE_STATE_BYTES` of JSON, and gone with their presence.
   */
  presence?: Presence;
  /** One room at a time: joining a room leaves the socket's others (a chat that shows one room). */
  oneAtATime?: boolean;
  /** Who may join: `members` (the default) or `guests` too, as for route groups. */
  access?: RouteAccess;
  /** What a slow reader of messages gets; with history, `disconnect` by default (its client catches up on rejoin). */
  slowClients?: SlowClientPolicy;
}

/** A message of the group as its clients receive it. */
type MessageOf<Message extends RoomMessageSchema, Id extends RoomId, History> = RoomMessage<
  z.output<Message>,
  z.output<Id>,
  History extends RoomHistory ? RoomHistory : false
>;
type EventSchema<Message extends RoomMessageSchema, Id extends RoomId, History> = z.ZodType<MessageOf<Message, Id, History>>;

type RoomRoutes<
  Id extends RoomId,
  Message extends RoomMessageSchema,
  History,
  SendSchema extends z.ZodType,
  SendOutput,
  AppContext,
  Presence extends z.ZodType,
> = {
  join: RouteDefinition<
    z.ZodObject<{ room: Id; since: z.ZodOptional<typeof historyPositionSchema>; rejoin: z.ZodOptional<z.ZodBoolean> }>,
    JoinAnswer<MessageOf<Message, Id, History>>,
    AppContext
  >;
  leave: RouteDefinition<z.ZodObject<{ room: Id }>, { room: string }, AppContext>;
} & ([SendSchema] extends [z.ZodNever] ? unknown : { send: RouteDefinition<SendSchema, SendOutput, AppContext> }) &
  ([Presence] extends [z.ZodNever]
    ? unknown
    : { presence: RouteDefinition<z.ZodObject<{ room: Id; state: Presence }>, { room: string }, AppContext> });

/** A group of rooms (see `defineRooms`): the routes and observer it adds to the app, and how to publish to it. */
export interface RoomGroup<
  Name extends string,
  Id extends RoomId,
  Message extends RoomMessageSchema,
  History extends RoomHistory | false,
  SendSchema extends z.ZodType,
  SendOutput,
  AppContext,
  Presence extends z.ZodType = z.ZodNever,
> {
  readonly kind: "rooms";
  readonly name: Name;
  readonly history: History;
  readonly routes: RouteGroup<Name, RoomRoutes<Id, Message, History, SendSchema, SendOutput, AppContext, Presence>>;
  readonly observers: ObserverGroup<
    Name,
    { message: ObserverDefinition<EventSchema<Message, Id, History>, MessageOf<Message, Id, History>, AppContext> }
  >;
  /** The bus topic of this group's messages (`<group>.message`). */
  readonly topic: Topic<`${Name}.message`, EventSchema<Message, Id, History>>;
  /** The history stream of a room. */
  stream(room: z.output<Id>): string;
  /**
   * Keeps `message` in the room's history (when the group keeps one), then sends it to everyone in
   * the room, on every gateway; resolves to what they receive. From a route, an observer or a worker.
   * With `once` (a group that keeps history): the message's name, such as its sender's id and its
   * page's `clientId`. A message of that name already kept in the room within ten minutes (a retry
   * of a send whose answer was lost, a job delivered twice) is neither kept nor sent again, and
   * this resolves to `null`.
   */
  publish(
    ctx: Pick<HandlerContext<unknown>, "bus" | "history">,
    room: z.output<Id>,
    message: z.input<Message>,
  ): Promise<MessageOf<Message, Id, History>>;
  publish(
    ctx: Pick<HandlerContext<unknown>, "bus" | "history">,
    room: z.output<Id>,
    message: z.input<Message>,
    options: { once?: string },
  ): Promise<MessageOf<Message, Id, History> | null>;
}

// biome-ignore lint/suspicious/noExplicitAny: the widest room group, for lists of any app's groups
export type AnyRoomGroup = RoomGroup<string, RoomId, RoomMessageSchema, RoomHistory | false, z.ZodType, any, any, z.ZodType>;

/**
 * Rooms a component can join (`useRoom` on the client): which rooms exist, who may join, what a
 * message is and how many of them are kept. Adds the routes `<name>.join`, `<name>.leave` and
 * (with `send`) `<name>.send`, and the event `<name>.message`; list the group in
 * `defineWhiskApp({ rooms: [...] })`.
 *
 * @example
 * export const chatRooms = defineRooms("room", {
 *   id: z.enum(["beach", "orbit"]),
 *   message: z.object({ id: z.string(), author: person, text: z.string(), at: z.number() }),
 *   history: { onJoin: 50 },
 *   authorize: async (room, ctx) => { if (banned(ctx.user, room)) throw new WhiskError("FORBIDDEN", "You are banned here."); },
 *   send: route.input(z.object({ room: roomId, text })).handle(({ room, text }, ctx) => ctx.bus.send(chat.queues.say, { room, text, author: ctx.user })),
 * });
 * // in the worker: await chatRooms.publish(ctx, room, { id, author, text, at });
 */
export function defineRooms<
  const Name extends string,
  Id extends RoomId,
  Message extends RoomMessageSchema,
  const History extends RoomHistory | false,
  SendSchema extends z.ZodType<{ room: z.output<Id> }> = z.ZodNever,
  SendOutput = never,
  AppContext = unknown,
  Presence extends z.ZodType = z.ZodNever,
>(
  name: Name,
  options: RoomsOptions<Id, Message, History, SendSchema, SendOutput, AppContext, Presence>,
): RoomGroup<Name, Id, Message, History, SendSchema, SendOutput, AppContext, Presence> {
  const { id, history } = options;
  if (history !== false) checkHistoryBounds(`Room group "${name}"`, history);
  const stream = (room: string) => `${name}:${room}`;
  const kept = history !== false;
  const eventSchema = options.message.extend({ room: id, ...(kept ? { position: historyPositionSchema } : {}) });

  const message: ObserverDefinition<z.ZodType, unknown, AppContext> = {
    kind: "observer",
    schema: eventSchema,
    handler: (payload) => payload,
    slowClients: options.slowClients ?? (kept ? { policy: "disconnect" } : undefined),
    kept: kept
      ? {
          stream,
          position: (payload) => (payload as { position: HistoryPosition }).position,
          payload: asRoomMessage,
        }
      : undefined,
  };
  const observers = defineObservers(name, { message });

  const join: RouteDefinition<z.ZodType, JoinAnswer<unknown>, AppContext> = {
    kind: "route",
    schema: z
      .object({ room: id, since: historyPositionSchema.optional(), rejoin: z.boolean().optional() })
      .describe(
        "Joins a room: the last messages, or with `since` (the last position seen) exactly those missed. `rejoin` (after a reconnect) announces nothing.",
      ),
    output: joinAnswerSchema(message.schema),
    refusals: { FORBIDDEN: "the room's authorize refused this user", LIMIT_REACHED: "the socket is in as many rooms as it may be" },
    // A page of history is five events' worth of the socket's budget: joining in a loop is refused soon.
    cost: kept ? 5 : 1,
    handler: async (input, ctx) => {
      const { room, since, rejoin } = input as { room: z.output<Id>; since?: HistoryPosition; rejoin?: boolean };
      await options.authorize?.(room, ctx);
      // Joining a room this socket is already in announces nothing: asked a thousand times, it
      // would be a thousand announcements to everyone there.
      const alreadyIn = ctx.socket.rooms().includes(room);
      await (options.oneAtATime ? ctx.socket.moveTo(room) : ctx.socket.join(room));
      if (!rejoin && !alreadyIn) await options.joined?.(room, ctx);
      if (!kept) return { room, messages: [], resumed: false };
      return joinPage(ctx.history, stream(room), room, since, history.onJoin);
    },
  };
  const leave: RouteDefinition<z.ZodType, { room: string }, AppContext> = {
    kind: "route",
    schema: z.object({ room: id }).describe("Leaves a room (answered even if the socket was not in it)."),
    output: roomAnswerSchema,
    handler: async (input, ctx) => {
      const { room } = input as { room: string };
      await ctx.socket.leave(room);
      return { room };
    },
  };
  const routes: Record<string, RouteDefinition<z.ZodType, unknown, AppContext>> = { join, leave };
  const { send } = options;
  if (send) {
    routes.send = {
      ...send,
      refusals: { FORBIDDEN: "the socket is not in the room", ...send.refusals },
      handler: (input, ctx) => {
        if (!ctx.socket.rooms().includes((input as { room: string }).room))
          throw new WhiskError("FORBIDDEN", "Join the room before sending to it.");
        return send.handler(input as z.output<SendSchema>, ctx);
      },
    };
  }
  const { presence } = options;
  if (presence) {
    routes.presence = {
      kind: "route",
      schema: z
        .object({ room: id, state: presence })
        .describe("Sets what this socket says about itself in a room it is in; everyone there hears who changed."),
      output: roomAnswerSchema,
      refusals: {
        BAD_PAYLOAD: `a state over ${MAX_PRESENCE_STATE_BYTES} bytes of JSON`,
        FORBIDDEN: "the socket is not in the room",
      },
      handler: async (input, ctx) => {
        const { room, state } = input as { room: string; state: unknown };
        const bytes = Buffer.byteLength(JSON.stringify(state) ?? "");
        if (bytes > MAX_PRESENCE_STATE_BYTES)
          throw new WhiskError("BAD_PAYLOAD", `A presence state is at most ${MAX_PRESENCE_STATE_BYTES} bytes of JSON (got ${bytes}).`);
        if (!(await ctx.socket.setPresenceState(room, state)))
          throw new WhiskError("FORBIDDEN", "Join the room before setting your presence in it.");
        return { room };
      },
    };
  }

  const topic = observers.topics.message;
  return {
    kind: "rooms",
    name,
    history,
    routes: defineRoutes(name, routes, { access: options.access }),
    observers,
    topic,
    stream,
    async publish(ctx: Pick<HandlerContext<unknown>, "bus" | "history">, room: string, payload: unknown, { once }: { once?: string } = {}) {
      // Checked before it is kept: history holds nothing a client could not be sent.
      const message = checkedMessage(options.message, payload, `the "${name}" rooms`);
      if (once !== undefined && !kept) throw new Error(`publish's once needs history: the "${name}" rooms keep none.`);
      const bounds = kept ? { maxLength: history.maxLength, ttlMs: history.ttlMs } : undefined;
      const position =
        once !== undefined
          ? await ctx.history.appendOnce(stream(room), message, once, bounds)
          : bounds && (await ctx.history.append(stream(room), message, bounds));
      if (position === null) return null;
      const published = { ...message, room, ...(position ? { position } : {}) };
      await ctx.bus.to(toRoom(room)).publish(topic, published);
      return published;
    },
  } as unknown as RoomGroup<Name, Id, Message, History, SendSchema, SendOutput, AppContext, Presence>;
}
