import { z } from "zod";
import { toUser } from "../core/address";
import { WhiskError } from "../core/errors";
import { historyPositionSchema } from "../history/history-position-schema";
import type { HistoryPosition } from "../history/history-store";
import type { JoinAnswer, RoomGroup, RoomHistory, RoomMessage } from "./define-rooms";
import type { HandlerContext, ObserverDefinition, RouteDefinition } from "./definitions";
import { defineObservers, defineRoutes, type RouteAccess } from "./groups";
import { checkedMessage, checkHistoryBounds, joinAnswerSchema, joinPage, roomAnswerSchema } from "./room-history";

/** How much of each person's inbox is kept: `onJoin` come with each catch-up; at most `maxLength`, gone `ttlMs` after the last. */
export interface InboxHistory extends RoomHistory {
  maxLength: number;
  ttlMs: number;
}

export interface InboxOptions<Message extends z.ZodObject> {
  /** What a message to one person holds (Whisk adds `room`, the owner's user id, and `position`). */
  message: Message;
  history: InboxHistory;
  /** Who has an inbox: `members` (the default) or `guests` too. */
  access?: RouteAccess;
}

/**
 * A per-user inbox (the chat's whispers): every message to a person is kept in a stream of
 * theirs, bounded in length and time, and sent to all their sockets. A client holds it like a
 * room whose id is its own user id (`useInbox` on the client), so after a reconnect it gets
 * exactly what it missed. Adds the routes `<name>.join` and `<name>.leave` (a socket may hold its
 * own inbox only) and the event `<name>.message`; list it in `defineWhiskApp({ rooms: [...] })`.
 *
 * @example
 * export const inbox = defineInbox("inbox", { message: whisperSchema, history: { onJoin: 50, maxLength: 200, ttlMs: 7 * 86_400_000 } });
 * await inbox.publish(ctx, addressee.id, whisper); // kept in their inbox, sent to every tab of theirs
 */
export function defineInbox<const Name extends string, Message extends z.ZodObject, AppContext = unknown>(
  name: Name,
  options: InboxOptions<Message>,
): RoomGroup<Name, z.ZodString, Message, RoomHistory, z.ZodNever, never, AppContext> {
  const { history } = options;
  checkHistoryBounds(`Inbox "${name}"`, history);
  const stream = (userId: string) => `${name}:${userId}`;
  const owner = z.string().max(100);
  // Sent to a user, not to a room: a gap in the bus is caught up by the client's next join.
  const message: ObserverDefinition<z.ZodType, unknown, AppContext> = {
    kind: "observer",
    schema: options.message.extend({ room: owner, position: historyPositionSchema }),
    handler: (payload) => payload,
  };
  const observers = defineObservers(name, { message });

  const join: RouteDefinition<z.ZodType, JoinAnswer<unknown>, AppContext> = {
    kind: "route",
    schema: z
      .object({ room: owner, since: historyPositionSchema.optional(), rejoin: z.boolean().optional() })
      .describe("Holds this user's own inbox (`room`: their user id): the last messages, or with `since` exactly those missed."),
    output: joinAnswerSchema(message.schema),
    refusals: { FORBIDDEN: "the inbox is someone else's" },
    // A page of history, as a room's join.
    cost: 5,
    handler: async (input, ctx) => {
      const { room, since } = input as { room: string; since?: HistoryPosition };
      if (room !== ctx.user.id) throw new WhiskError("FORBIDDEN", "An inbox is its owner's alone.");
      return joinPage(ctx.history, stream(room), room, since, history.onJoin);
    },
  };
  // Nothing to leave: a user's sockets always hear their own messages. Answered, for the client's sake.
  const leave: RouteDefinition<z.ZodType, { room: string }, AppContext> = {
    kind: "route",
    schema: z.object({ room: owner }).describe("Lets go of the inbox (nothing changes on the server)."),
    output: roomAnswerSchema,
    handler: (input) => ({ room: (input as { room: string }).room }),
  };

  const topic = observers.topics.message;
  return {
    kind: "rooms",
    name,
    history,
    routes: defineRoutes(name, { join, leave }, { access: options.access }),
    observers,
    topic,
    stream,
    async publish(ctx: Pick<HandlerContext<unknown>, "bus" | "history">, userId: string, payload: unknown) {
      const message = checkedMessage(options.message, payload, `the "${name}" inbox`);
      const position = await ctx.history.append(stream(userId), message, { maxLength: history.maxLength, ttlMs: history.ttlMs });
      const published = { ...message, room: userId, position };
      await ctx.bus.to(toUser(userId)).publish(topic, published);
      return published;
    },
  } as unknown as RoomGroup<Name, z.ZodString, Message, RoomHistory, z.ZodNever, never, AppContext>;
}

export type InboxMessage<Message> = RoomMessage<Message, string, RoomHistory>;
