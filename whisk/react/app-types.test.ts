import { describe, expect, expectTypeOf, it } from "vitest";
import { WhiskConnection } from "../client/whisk-connection";
import type { EmitResult } from "../core/result";
import type { ClientRoutes, ServerEvents } from "../server/app-types";
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
