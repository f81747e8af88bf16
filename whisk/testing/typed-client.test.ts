/**
 * The typed Node client: names and payloads checked against a small app defined here (the type
 * checker runs these checks; `tsc` fails on a misuse that compiles, or on a `@ts-expect-error`
 * that no longer errs), and the same calls against a real gateway in this process.
 */
import { createServer } from "node:http";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import type { WhiskErrorPayload } from "../core/errors";
import type { PresenceUpdate, Welcome } from "../core/protocol";
import type { Ack } from "../core/result";
import { createBuilders, defineObservers, defineRoutes, defineWhiskApp } from "../server";
import { createLogger, createWhisk, type Whisk } from "../server/host";
import { freePort } from "./free-port";
import { listenOnLoopback } from "./listen-on-loopback";
import { nextEventRaw, requestRaw, typedClient } from "./typed-client";

const { route, observe } = createBuilders<object>();
const noteEvents = defineObservers("notes", {
  added: observe(z.object({ id: z.string(), text: z.string() })).handle((note) => note),
});
const notes = defineRoutes("notes", {
  add: route.input(z.object({ text: z.string().min(1) })).handle(async ({ text }, ctx) => {
    const note = { id: `note-${text.length}`, text };
    await ctx.bus.everyone().publish(noteEvents.topics.added, note);
    return { id: note.id };
  }),
  count: route.input(z.object({})).handle(() => 1),
});
const testApp = defineWhiskApp({ routes: [notes], observers: [noteEvents], workers: [] });

const { request, nextEvent } = typedClient<typeof testApp>();

let whisk: Whisk<object>;
let closeServer: () => Promise<unknown>;
let socket: Socket;
let welcome: Welcome;

beforeAll(async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  whisk = createWhisk({
    app: testApp,
    services: {},
    nodeId: "typed-client",
    logger: createLogger({ nodeId: "typed-client", level: "silent" }),
    allowedOrigins: [url],
  });
  const server = createServer();
  whisk.attachGateway(server);
  closeServer = await listenOnLoopback(server, port);
  const session = await whisk.sessions.create({ userId: "u1", userName: "One" }, 60_000);
  const { token } = await whisk.issueToken({ sessionId: session.id, userId: "u1" });
  socket = io(url, {
    path: "/whisk",
    auth: { token },
    extraHeaders: { origin: url },
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
  });
  welcome = await nextEvent(socket, "whisk.welcome");
});

afterAll(async () => {
  socket?.close();
  await whisk?.close();
  await closeServer?.();
});

describe("typedClient", () => {
  it("types a route's input and its ack, and an observer's event, from the app", () => {
    expectTypeOf(request<"notes.add">)
      .parameter(1)
      .toEqualTypeOf<"notes.add">();
    expectTypeOf(request<"notes.add">)
      .parameter(2)
      .toEqualTypeOf<{ text: string }>();
    expectTypeOf(request<"notes.add">).returns.toEqualTypeOf<Promise<Ack<{ id: string }>>>();
    expectTypeOf(request<"notes.count">).returns.toEqualTypeOf<Promise<Ack<number>>>();
    expectTypeOf(nextEvent<"notes.added">).returns.toEqualTypeOf<Promise<{ id: string; text: string }>>();
  });

  it("types Whisk's own events from whisk/core/protocol, and socket.io's disconnect", () => {
    expectTypeOf(nextEvent<"whisk.welcome">).returns.toEqualTypeOf<Promise<Welcome>>();
    expectTypeOf(nextEvent<"whisk.presence">).returns.toEqualTypeOf<Promise<PresenceUpdate>>();
    expectTypeOf(nextEvent<"whisk.error">).returns.toEqualTypeOf<Promise<{ event: string; error: WhiskErrorPayload }>>();
    expectTypeOf(nextEvent<"whisk.disconnect">).returns.toEqualTypeOf<Promise<WhiskErrorPayload>>();
    expectTypeOf(nextEvent<"disconnect">).returns.toEqualTypeOf<Promise<Socket.DisconnectReason>>();
  });

  it("leaves the raw helpers untyped, for input the app does not declare", () => {
    expectTypeOf(requestRaw).parameter(1).toEqualTypeOf<string>();
    expectTypeOf(requestRaw).returns.toEqualTypeOf<Promise<Ack<unknown>>>();
    expectTypeOf(nextEventRaw).returns.toEqualTypeOf<Promise<unknown>>();
  });

  it("sends a route's input and resolves to its ack, and hears the observer's event", async () => {
    expect(welcome.user).toEqual({ id: "u1", name: "One" });
    const added = nextEvent(socket, "notes.added");
    const ack = await request(socket, "notes.add", { text: "milk" });
    expect(ack).toEqual({ status: "ok", data: { id: "note-4" } });
    expect(await added).toEqual({ id: "note-4", text: "milk" });
    expect(await request(socket, "notes.count", {})).toEqual({ status: "ok", data: 1 });
  });

  it("makes an unknown route, a wrong payload or an unknown server event a compile error (and the gateway refuses them too)", async () => {
    // @ts-expect-error: "notes.remove" is not a route
    expect(await request(socket, "notes.remove", {})).toMatchObject({ status: "error", error: { code: "UNKNOWN_EVENT" } });
    // @ts-expect-error: "notes.added" is a server event, not a route
    expect(await request(socket, "notes.added", { id: "x", text: "x" })).toMatchObject({ error: { code: "UNKNOWN_EVENT" } });
    // @ts-expect-error: text must be a string
    expect(await request(socket, "notes.add", { text: 42 })).toMatchObject({ status: "error", error: { code: "BAD_PAYLOAD" } });
    // @ts-expect-error: the input needs a text
    expect(await request(socket, "notes.add", {})).toMatchObject({ status: "error", error: { code: "BAD_PAYLOAD" } });
    // @ts-expect-error: "author" is not part of the input
    expect(await request(socket, "notes.add", { text: "x", author: "Admin" })).toMatchObject({ status: "ok" });
    // @ts-expect-error: "notes.removed" is not a server event
    await expect(nextEvent(socket, "notes.removed", 20)).rejects.toThrow(/no "notes.removed" within 20 ms/);
    // @ts-expect-error: "notes.add" is a route, not a server event
    await expect(nextEvent(socket, "notes.add", 20)).rejects.toThrow(/within 20 ms/);
    const heard = nextEvent(socket, "notes.added");
    await request(socket, "notes.add", { text: "tea" });
    // @ts-expect-error: a note has no "author"
    (await heard).author;
  });

  it("lets the raw helpers send what the app does not declare, and hear any event", async () => {
    expect(await requestRaw(socket, "notes.shout", "not an object")).toMatchObject({ status: "error", error: { code: "UNKNOWN_EVENT" } });
    expect(await requestRaw(socket, "notes.add", { text: 42 })).toMatchObject({ status: "error", error: { code: "BAD_PAYLOAD" } });
    const error = nextEventRaw(socket, "whisk.error");
    socket.emit("notes.shout", {});
    expect(await error).toMatchObject({ event: "notes.shout", error: { code: "UNKNOWN_EVENT" } });
  });
});
