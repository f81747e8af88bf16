import { describe, expect, expectTypeOf, it } from "vitest";
import type { WhiskApp } from "../../server/app";
import { WhiskConnection } from "../client/whisk-connection";
import type { EmitResult } from "../core/result";
import type { ClientRoutes, ServerEvents } from "../server/app-types";

type Routes = ClientRoutes<WhiskApp>;
type Events = ServerEvents<WhiskApp>;

describe("types flow from server/app.ts to the client", () => {
  const connection = new WhiskConnection<Routes, Events>({ getToken: async () => ({ token: "", expiresAt: 0 }) });

  it("types a route's input and its ack from the handler's return value", () => {
    expectTypeOf<Routes["world.say"]["input"]>().toEqualTypeOf<{ message: string }>();
    expectTypeOf<Routes["world.say"]["output"]>().toEqualTypeOf<{ id: string }>();
    expectTypeOf(connection.emit<"world.say">).returns.toEqualTypeOf<Promise<EmitResult<{ id: string }>>>();
  });

  it("types a server event from its observer's return value", () => {
    expectTypeOf<Events["world.said"]>().toEqualTypeOf<{ id: string; user: { id: string; name: string }; message: string; at: number }>();
  });

  it("makes an unknown event or a wrong payload a compile error", async () => {
    // Not opened, so every emit resolves at once to an error without touching the network.
    // @ts-expect-error: "world.shout" is not a route
    await connection.emit("world.shout", { message: "hi" });
    // @ts-expect-error: message must be a string
    await connection.emit("world.say", { message: 42 });
    // @ts-expect-error: the payload needs a message
    await connection.emit("world.say", {});
    // @ts-expect-error: "world.sayd" is not a server event
    connection.on("world.sayd", () => {});
    connection.on("world.said", (said) => {
      // @ts-expect-error: said has no "html" field
      said.html;
      // @ts-expect-error: said is data, not a sentence: it has no "text" field
      said.text;
    });
    const result = await connection.emit("world.say", { message: "hi" });
    expect(result.status).toBe("error");
  });
});
