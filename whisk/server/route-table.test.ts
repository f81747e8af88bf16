import pino from "pino";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { Bus } from "../bus/bus";
import { MemoryTransport } from "../bus/memory-transport";
import { ERROR_CODES, toErrorPayload, toWhiskError, WhiskError } from "../core/errors";
import { createBuilders } from "./builders";
import type { RouteContext } from "./definitions";
import { defineObservers, defineRoutes, defineWorkers } from "./groups";
import { createRouteTable, runRoute } from "./route-table";
import { defineWhiskApp } from "./whisk-app";

interface AppContext {
  greeting: string;
}

const { route, observe, work } = createBuilders<AppContext>();

/** Only what the handlers below use; the rest of a RouteContext is never touched. */
function fakeContext(kind: "member" | "guest" = "member"): RouteContext<AppContext> {
  return {
    services: { greeting: "hello" },
    bus: new Bus(new MemoryTransport(), "ws-test"),
    node: { id: "ws-test" },
    log: pino({ level: "silent" }),
    user: { id: "u1", name: "Ada" },
    session: { id: "s1", kind, read: async () => ({}), update: async () => {} },
    socket: { id: "sock1", join: async () => {}, leave: async () => {} },
  } as unknown as RouteContext<AppContext>;
}

/** Awaits `promise`, expecting it to reject with a WhiskError, and returns that error. */
async function rejection(promise: Promise<unknown>): Promise<WhiskError> {
  const error = await promise.then(
    () => {
      throw new Error("expected a rejection, got a value");
    },
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(WhiskError);
  return error as WhiskError;
}

describe("route cost", () => {
  it("is 1 unless the route says more, and must be a whole number of at least 1", () => {
    const cheap = route.input(z.unknown()).handle(() => 1);
    const costly = route
      .input(z.unknown())
      .cost(5)
      .handle(() => 1);
    expect(cheap.cost).toBeUndefined();
    expect(costly.cost).toBe(5);
    expect(() => route.input(z.unknown()).cost(0)).toThrow(/at least 1/);
    expect(() => route.input(z.unknown()).cost(1.5)).toThrow(/whole number/);
  });
});

describe("route access", () => {
  const handler = vi.fn(() => "done");
  const members = defineRoutes("room", { say: route.input(z.object({ text: z.string() })).handle(handler) });
  const open = defineRoutes("world", { say: route.input(z.object({ text: z.string() })).handle(handler) }, { access: "guests" });

  it("refuses a guest on a members' group (the default) with FORBIDDEN, before reading the payload", async () => {
    handler.mockClear();
    const error = await rejection(runRoute(createRouteTable([members]), "room.say", { wrong: true }, fakeContext("guest")));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toContain("Sign in");
    expect(handler).not.toHaveBeenCalled();
  });

  it("lets a member in, and a guest into a group open to guests", async () => {
    await expect(runRoute(createRouteTable([members]), "room.say", { text: "hi" }, fakeContext("member"))).resolves.toBe("done");
    await expect(runRoute(createRouteTable([open]), "world.say", { text: "hi" }, fakeContext("guest"))).resolves.toBe("done");
  });

  it("refuses an access it does not know when the group is defined", () => {
    expect(() => defineRoutes("room", {}, { access: "everyone" as "guests" })).toThrow(/members" or "guests/);
  });
});

describe("runRoute", () => {
  it("runs the handler of a valid payload and returns the handler's value", async () => {
    const say = route
      .input(z.object({ message: z.string().min(1) }))
      .handle(({ message }, ctx) => ({ text: `${ctx.services.greeting}, ${ctx.user.name}: ${message}` }));
    const table = createRouteTable([defineRoutes("room", { say })]);
    await expect(runRoute(table, "room.say", { message: "hi" }, fakeContext())).resolves.toEqual({ text: "hello, Ada: hi" });
  });

  it("awaits an async handler and returns what it resolves to", async () => {
    const slow = route.input(z.number()).handle(async (n) => {
      await Promise.resolve();
      return n * 2;
    });
    const table = createRouteTable([defineRoutes("math", { slow })]);
    await expect(runRoute(table, "math.slow", 21, fakeContext())).resolves.toBe(42);
  });

  it("hands the handler the parsed payload (defaults, transforms, unknown keys stripped), not the raw one", async () => {
    const handler = vi.fn((input: { message: string; loud: boolean }) => input);
    const say = route.input(z.object({ message: z.string().trim(), loud: z.boolean().default(false) })).handle(handler);
    const table = createRouteTable([defineRoutes("room", { say })]);
    await runRoute(table, "room.say", { message: "  hi  ", isAdmin: true }, fakeContext());
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler.mock.calls[0]?.[0]).toStrictEqual({ message: "hi", loud: false });
  });

  it("hands the handler the context it was given", async () => {
    const handler = vi.fn(() => null);
    const table = createRouteTable([defineRoutes("room", { ping: route.input(z.undefined()).handle(handler) })]);
    const ctx = fakeContext();
    await runRoute(table, "room.ping", undefined, ctx);
    expect(handler).toHaveBeenCalledWith(undefined, ctx);
  });

  it("finds routes of every group in the table by group.event", async () => {
    const table = createRouteTable([
      defineRoutes("room", { say: route.input(z.unknown()).handle(() => "room.say") }),
      defineRoutes("profile", {
        rename: route.input(z.unknown()).handle(() => "profile.rename"),
        say: route.input(z.unknown()).handle(() => "profile.say"),
      }),
    ]);
    expect([...table.keys()].sort()).toEqual(["profile.rename", "profile.say", "room.say"]);
    await expect(runRoute(table, "profile.say", null, fakeContext())).resolves.toBe("profile.say");
    await expect(runRoute(table, "room.say", null, fakeContext())).resolves.toBe("room.say");
  });

  it("rejects an unknown event with UNKNOWN_EVENT", async () => {
    const table = createRouteTable([defineRoutes("room", { say: route.input(z.unknown()).handle(() => 1) })]);
    const error = await rejection(runRoute(table, "room.shout", {}, fakeContext()));
    expect(error.code).toBe("UNKNOWN_EVENT");
  });

  it.each([
    ["a route key without its group", "say"],
    ["the group name alone", "room"],
    ["an Object.prototype member", "constructor"],
    ["__proto__", "__proto__"],
    ["a different case", "Room.Say"],
  ])("rejects %s as an unknown event", async (_name, event) => {
    const table = createRouteTable([defineRoutes("room", { say: route.input(z.unknown()).handle(() => 1) })]);
    const error = await rejection(runRoute(table, event, {}, fakeContext()));
    expect(error.code).toBe("UNKNOWN_EVENT");
  });

  it("cuts a long unknown event name to 100 characters in the error message", async () => {
    const table = createRouteTable([]);
    const error = await rejection(runRoute(table, "x".repeat(10_000), {}, fakeContext()));
    expect(error.code).toBe("UNKNOWN_EVENT");
    expect(error.message).toContain("x".repeat(100));
    expect(error.message).not.toContain("x".repeat(101));
  });

  it("rejects an invalid payload with BAD_PAYLOAD and its issues (path and message), and does not run the handler", async () => {
    const handler = vi.fn(() => "ran");
    const say = route.input(z.object({ message: z.string().min(1), to: z.object({ room: z.string() }) })).handle(handler);
    const table = createRouteTable([defineRoutes("room", { say })]);
    const error = await rejection(runRoute(table, "room.say", { message: "", to: { room: 7 } }, fakeContext()));
    expect(error.code).toBe("BAD_PAYLOAD");
    expect(error.issues).toEqual([
      { path: ["message"], message: expect.any(String) },
      { path: ["to", "room"], message: expect.any(String) },
    ]);
    for (const issue of error.issues ?? []) expect(issue.message.length).toBeGreaterThan(0);
    expect(handler).not.toHaveBeenCalled();
  });

  it("rejects a missing payload with BAD_PAYLOAD and an issue at the root path", async () => {
    const handler = vi.fn();
    const table = createRouteTable([defineRoutes("room", { say: route.input(z.object({ message: z.string() })).handle(handler) })]);
    const error = await rejection(runRoute(table, "room.say", undefined, fakeContext()));
    expect(error.code).toBe("BAD_PAYLOAD");
    expect(error.issues).toEqual([{ path: [], message: expect.any(String) }]);
    expect(handler).not.toHaveBeenCalled();
  });

  it("sends BAD_PAYLOAD issues to the client as plain JSON, without echoing the input", async () => {
    const table = createRouteTable([defineRoutes("room", { say: route.input(z.object({ n: z.number() })).handle(() => 1) })]);
    const error = await rejection(runRoute(table, "room.say", { n: "secret-input-value" }, fakeContext()));
    const payload = toErrorPayload(error);
    expect(payload.code).toBe("BAD_PAYLOAD");
    expect(payload.issues).toEqual([{ path: ["n"], message: expect.any(String) }]);
    expect(JSON.stringify(payload)).not.toContain("secret-input-value");
  });

  it("lets an error thrown by a handler propagate unchanged, which the gateway turns into INTERNAL keeping the cause", async () => {
    const boom = new Error("db connection string postgres://secret");
    const table = createRouteTable([
      defineRoutes("room", {
        say: route.input(z.unknown()).handle(() => {
          throw boom;
        }),
      }),
    ]);
    const thrown = await runRoute(table, "room.say", {}, fakeContext()).catch((error: unknown) => error);
    expect(thrown).toBe(boom);
    const wrapped = toWhiskError(thrown);
    expect(wrapped.code).toBe("INTERNAL");
    expect(wrapped.cause).toBe(boom);
    expect(toErrorPayload(thrown)).toStrictEqual({ code: "INTERNAL", message: ERROR_CODES.INTERNAL });
  });

  it("lets a rejection of an async handler propagate unchanged", async () => {
    const boom = new Error("async failure");
    const table = createRouteTable([
      defineRoutes("room", {
        say: route.input(z.unknown()).handle(async () => {
          throw boom;
        }),
      }),
    ]);
    await expect(runRoute(table, "room.say", {}, fakeContext())).rejects.toBe(boom);
  });

  it("lets a WhiskError thrown by a handler reach the client with its own code and message", async () => {
    const table = createRouteTable([
      defineRoutes("room", {
        say: route.input(z.unknown()).handle(() => {
          throw new WhiskError("UNAUTHORIZED", "Not your room.");
        }),
      }),
    ]);
    const error = await rejection(runRoute(table, "room.say", {}, fakeContext()));
    expect(toErrorPayload(error)).toStrictEqual({ code: "UNAUTHORIZED", message: "Not your room." });
  });
});

describe("defineRoutes", () => {
  const any = route.input(z.unknown()).handle(() => null);

  it("returns the group with its name and routes", () => {
    const group = defineRoutes("room", { say: any });
    expect(group).toEqual({ kind: "routes", name: "room", routes: { say: any }, access: "members" });
  });

  it.each([
    ["the reserved name whisk", "whisk"],
    ["a dash", "Bad-Name"],
    ["a capital first letter", "Room"],
    ["a leading digit", "1room"],
    ["a dot", "room.sub"],
    ["an underscore", "my_room"],
    ["an empty name", ""],
  ])("refuses a group name with %s (%s)", (_name, name) => {
    expect(() => defineRoutes(name, { say: any })).toThrow(/lower-camel name/);
  });

  it.each([
    ["a dash", "say-it"],
    ["a capital first letter", "Say"],
    ["a dot", "say.it"],
    ["an empty key", ""],
  ])("refuses a route key with %s", (_name, key) => {
    expect(() => defineRoutes("room", { [key]: any })).toThrow(/lower-camel name/);
  });

  it("accepts lower-camel names with capitals and digits after the first letter", () => {
    expect(() => defineRoutes("chatRoom2", { sayHello3: any })).not.toThrow();
  });
});

describe("defineWhiskApp", () => {
  const any = route.input(z.unknown()).handle(() => null);
  const observer = observe(z.unknown()).handle(() => undefined);
  const worker = work(z.unknown()).handle(() => {});

  it("returns the groups it was given, with no rooms when none are listed", () => {
    const definition = { routes: [defineRoutes("room", { say: any })], observers: [], workers: [] };
    expect(defineWhiskApp(definition)).toEqual({ ...definition, rooms: [] });
  });

  it("refuses two route groups that define the same event", () => {
    expect(() =>
      defineWhiskApp({ routes: [defineRoutes("room", { say: any }), defineRoutes("room", { say: any })], observers: [], workers: [] }),
    ).toThrow(/routes group "room" is listed twice in defineWhiskApp, or two groups define "room.say"/);
  });

  it("accepts two route groups of one name whose events differ (a room group's and the app's own)", () => {
    const app = defineWhiskApp({
      routes: [defineRoutes("room", { say: any }), defineRoutes("room", { shout: any })],
      observers: [],
      workers: [],
    });
    expect(app.routes.flatMap((group) => Object.keys(group.routes))).toEqual(["say", "shout"]);
  });

  it("refuses the very same route group object listed twice", () => {
    const room = defineRoutes("room", { say: any });
    expect(() => defineWhiskApp({ routes: [room, room], observers: [], workers: [] })).toThrow(/listed twice/);
  });

  it("refuses an observer group listed twice", () => {
    const observers = defineObservers("room", { said: observer });
    expect(() => defineWhiskApp({ routes: [], observers: [observers, observers], workers: [] })).toThrow(
      /observers group "room" is listed twice/,
    );
  });

  it("refuses a worker group listed twice", () => {
    const workers = defineWorkers("mail", { send: worker });
    expect(() => defineWhiskApp({ routes: [], observers: [], workers: [workers, workers] })).toThrow(
      /workers group "mail" is listed twice/,
    );
  });

  it("accepts the same name used once each for routes, observers and workers", () => {
    expect(() =>
      defineWhiskApp({
        routes: [defineRoutes("room", { say: any })],
        observers: [defineObservers("room", { said: observer })],
        workers: [defineWorkers("room", { archive: worker })],
      }),
    ).not.toThrow();
  });
});
