import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { WhiskConnection } from "../client/whisk-connection";
import type { EmitResult } from "../core/result";
import type { HistoryPosition } from "../history/history-store";
import { createBuilders, defineRooms, defineWhiskApp } from "../server";
import type { ClientRooms, ClientRoutes, ServerEvents } from "../server/app-types";
import type { FixtureApp } from "../testing/fixture-app";
import { createWhiskReact } from "./create-whisk-react";

type Routes = ClientRoutes<FixtureApp>;
type Events = ServerEvents<FixtureApp>;

describe("types flow from an app's definition to the client", () => {
  const connection = new WhiskConnection<Routes, Events>({ getToken: async () => ({ token: "", expiresAt: 0 }) });

  it("names every route of every group, and no worker", () => {
    expectTypeOf<keyof Routes>().toEqualTypeOf<"board.post" | "clock.now">();
  });

  it("types a route's input from its schema and its ack from the handler's return value", () => {
    expectTypeOf<Routes["board.post"]["input"]>().toEqualTypeOf<{ text: string; pinned?: boolean | undefined }>();
    expectTypeOf<Routes["board.post"]["output"]>().toEqualTypeOf<{ id: string }>();
    expectTypeOf<Routes["clock.now"]["output"]>().toEqualTypeOf<{ at: number }>();
    expectTypeOf(connection.emit<"board.post">).returns.toEqualTypeOf<Promise<EmitResult<{ id: string }>>>();
  });

  it("types a server event from its observer's return value, not its topic's payload", () => {
    expectTypeOf<keyof Events>().toEqualTypeOf<"board.posted" | "board.counted">();
    expectTypeOf<Events["board.posted"]>().toEqualTypeOf<{ id: string; author: { id: string; name: string }; text: string; at: number }>();
    // The handler may return undefined (nothing is sent); the client never receives it.
    expectTypeOf<Events["board.counted"]>().toEqualTypeOf<{ count: number; label: string }>();
  });

  it("makes an unknown event or a wrong payload a compile error", async () => {
    // Not opened, so every emit resolves at once to an error without touching the network.
    // @ts-expect-error: "board.shout" is not a route
    await connection.emit("board.shout", { text: "hi" });
    // @ts-expect-error: "board.count" is a worker's queue, not a route
    await connection.emit("board.count", { posts: 1 });
    // @ts-expect-error: text must be a string
    await connection.emit("board.post", { text: 42 });
    // @ts-expect-error: the payload needs a text
    await connection.emit("board.post", { pinned: true });
    // @ts-expect-error: "board.postd" is not a server event
    connection.on("board.postd", () => {});
    connection.on("board.posted", (post) => {
      // @ts-expect-error: a post has no "html" field
      post.html;
      // @ts-expect-error: the author is a person, not a name
      post.author.toUpperCase();
    });
    connection.on("board.counted", (counted) => {
      // @ts-expect-error: "posts" was the worker's job; the event has count and label
      counted.posts;
    });
    const result = await connection.emit("board.post", { text: "hi" });
    expect(result.status).toBe("error");
  });

  it("types the React hooks: a route's caller from the route, an event's handler from the observer", () => {
    const hooks = createWhiskReact<FixtureApp>();
    type PostCaller = ReturnType<typeof hooks.useWhiskRoute<"board.post">>;
    expectTypeOf<Parameters<PostCaller["send"]>[0]>().toEqualTypeOf<{ text: string; pinned?: boolean | undefined }>();
    expectTypeOf<PostCaller["data"]>().toEqualTypeOf<{ id: string } | undefined>();
    expectTypeOf<ReturnType<PostCaller["send"]>>().toEqualTypeOf<Promise<EmitResult<{ id: string }>>>();
    expectTypeOf<Parameters<Parameters<typeof hooks.useWhiskEvent<"board.posted">>[1]>[0]>().toEqualTypeOf<Events["board.posted"]>();
    // Never called (hooks run inside components): the compiler checks these lines in `npm run typecheck`.
    const compileOnly = () => {
      // @ts-expect-error: "board.posted" is a server event, not a route
      hooks.useWhiskRoute("board.posted");
      // @ts-expect-error: "board.post" is a route, not a server event
      hooks.useWhiskEvent("board.post", () => {});
      // @ts-expect-error: text must be a string
      void hooks.useWhiskRoute("board.post").send({ text: 42 });
      hooks.useWhiskEvent("board.counted", (counted) => {
        // @ts-expect-error: the event has count and label
        counted.posts;
      });
    };
    void compileOnly;
  });
});

describe("types flow from a room group to useRoom", () => {
  const { route } = createBuilders<{ now: () => number }>();
  const deskRooms = defineRooms("desk", {
    id: z.enum(["front", "back"]),
    message: z.object({ id: z.string(), text: z.string() }),
    history: { onJoin: 10 },
    send: route
      .input(z.object({ room: z.enum(["front", "back"]), text: z.string() }))
      .handle((_input, ctx) => ({ at: ctx.services.now() })),
    presence: z.object({ typing: z.boolean(), cursor: z.object({ x: z.number(), y: z.number() }).optional() }),
  });
  const feedRooms = defineRooms("feed", { id: z.string(), message: z.object({ headline: z.string() }), history: false });
  const app = defineWhiskApp({ rooms: [deskRooms, feedRooms], routes: [], observers: [], workers: [] });
  type App = typeof app;

  it("adds each group's join, leave and (with a send) send routes, and its message event", () => {
    expectTypeOf<keyof ClientRoutes<App>>().toEqualTypeOf<
      "desk.join" | "desk.leave" | "desk.send" | "desk.presence" | "feed.join" | "feed.leave"
    >();
    expectTypeOf<keyof ServerEvents<App>>().toEqualTypeOf<"desk.message" | "feed.message">();
    expectTypeOf<ClientRoutes<App>["desk.send"]["input"]>().toEqualTypeOf<{ room: "front" | "back"; text: string }>();
  });

  it("types a message with its room, and its position only where history is kept", () => {
    type Rooms = ClientRooms<App>;
    expectTypeOf<Rooms["desk"]["message"]>().toEqualTypeOf<
      { id: string; text: string } & { room: "front" | "back" } & { position: HistoryPosition }
    >();
    expectTypeOf<Rooms["feed"]["message"]>().toEqualTypeOf<{ headline: string } & { room: string } & unknown>();
  });

  it("types useRoom: the room ids of the group, its messages, and its send without the room", () => {
    const hooks = createWhiskReact<App>();
    type Desk = ReturnType<typeof hooks.useRoom<"desk">>;
    expectTypeOf<Parameters<typeof hooks.useRoom<"desk">>[1]>().toEqualTypeOf<"front" | "back">();
    expectTypeOf<Desk["messages"][number]["text"]>().toEqualTypeOf<string>();
    expectTypeOf<Parameters<Desk["send"]>[0]>().toEqualTypeOf<Omit<{ room: "front" | "back"; text: string }, "room">>();
    expectTypeOf<ReturnType<Desk["send"]>>().toEqualTypeOf<Promise<EmitResult<{ at: number }>>>();
    // Without `optimistic`, pending copies are typed as the message without what the server adds.
    expectTypeOf<Desk["pending"][number]["message"]>().toEqualTypeOf<Omit<ClientRooms<App>["desk"]["message"], "room" | "position">>();
    // Never called (hooks run inside components): the compiler checks these lines in `npm run typecheck`.
    const compileOnly = () => {
      // @ts-expect-error: "kitchen" is not a room of the desk group
      hooks.useRoom("desk", "kitchen");
      // @ts-expect-error: "lobby" is not a room group
      hooks.useRoom("lobby", "front");
      // @ts-expect-error: text must be a string
      void hooks.useRoom("desk", "front").send({ text: 1 });
      // The pending copies are what `optimistic` makes, typed from the send's input.
      const desk = hooks.useRoom("desk", "front", { optimistic: ({ text }) => ({ text, draft: true as const }) });
      expectTypeOf(desk.pending[0]?.message).toEqualTypeOf<{ text: string; draft: true } | undefined>();
      // @ts-expect-error: the send's input has no "html"
      hooks.useRoom("desk", "front", { optimistic: ({ html }) => ({ html }) });
      // @ts-expect-error: the feed group keeps no history, so its messages have no position
      hooks.useRoom("feed", "news").messages[0]?.position;
    };
    void compileOnly;
  });

  it("types usePresence's state from the group's presence schema", () => {
    const hooks = createWhiskReact<App>();
    type DeskPresence = ReturnType<typeof hooks.usePresence<"desk">>;
    type State = { typing: boolean; cursor?: { x: number; y: number } | undefined };
    expectTypeOf<NonNullable<DeskPresence["others"][number]["state"]>>().toEqualTypeOf<State>();
    expectTypeOf<Parameters<DeskPresence["update"]>[0]>().toEqualTypeOf<Partial<State>>();
    const compileOnly = () => {
      // @ts-expect-error: typing is a boolean
      hooks.usePresence("desk", "front").update({ typing: "yes" });
      // @ts-expect-error: "lobby" is not a room of the desk group
      hooks.usePresence("desk", "lobby");
    };
    void compileOnly;
  });
});
