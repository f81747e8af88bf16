/**
 * This app's contract with its pages, as the client sees it through `WhiskApp`: what the
 * hello-world sends and receives. (How types flow from any app to the client is Whisk's own test,
 * whisk/react/app-types.test.ts.)
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { type EmitResult, WhiskConnection } from "whisk/client";
import type { ClientRoutes, ServerEvents } from "whisk/server";
import type { WhiskApp } from "./app";

type Routes = ClientRoutes<WhiskApp>;
type Events = ServerEvents<WhiskApp>;

describe("server/app.ts, seen from the client", () => {
  const connection = new WhiskConnection<Routes, Events>({ getToken: async () => ({ token: "", expiresAt: 0 }) });

  it("types world.say's input and ack, and world.said as data", () => {
    expectTypeOf<Routes["world.say"]["input"]>().toEqualTypeOf<{ message: string }>();
    expectTypeOf(connection.emit<"world.say">).returns.toEqualTypeOf<Promise<EmitResult<{ id: string }>>>();
    expectTypeOf<Events["world.said"]>().toEqualTypeOf<{ id: string; user: { id: string; name: string }; message: string; at: number }>();
  });

  it("makes a wrong payload or a finished sentence a compile error", async () => {
    // Not opened, so the emit resolves at once to an error without touching the network.
    // @ts-expect-error: message must be a string
    const result = await connection.emit("world.say", { message: 42 });
    connection.on("world.said", (said) => {
      // @ts-expect-error: said is data, not a sentence: the page writes the line, with the name as a name
      said.text;
    });
    expect(result.status).toBe("error");
  });
});
