import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { Bus } from "../bus/bus";
import { MemoryTransport } from "../bus/memory-transport";
import { MemoryHistoryStore } from "../history/memory-history-store";
import { createBuilders } from "./builders";
import { defineInbox } from "./define-inbox";
import { defineRooms } from "./define-rooms";
import { defineRoutes } from "./groups";
import { defineWhiskApp } from "./whisk-app";

const transports: MemoryTransport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((transport) => transport.close()));
});

function handlerContext() {
  const transport = new MemoryTransport();
  transports.push(transport);
  return { bus: new Bus(transport, "node-1"), history: new MemoryHistoryStore() };
}

const { route, observe } = createBuilders<object>();
const note = z.object({ text: z.string().max(10) });

describe("defineRooms", () => {
  it("adds join, leave and send routes and a message observer under the group's name", () => {
    const send = route.input(z.object({ room: z.string(), text: z.string() })).handle(() => ({ sent: true }));
    const rooms = defineRooms("desk", { id: z.string(), message: note, history: { onJoin: 5 }, send });
    expect(rooms.routes.name).toBe("desk");
    expect(Object.keys(rooms.routes.routes)).toEqual(["join", "leave", "send"]);
    expect(rooms.routes.routes.join.cost).toBe(5);
    expect(Object.keys(rooms.observers.observers)).toEqual(["message"]);
    expect(rooms.topic.name).toBe("desk.message");
    expect(rooms.observers.observers.message.slowClients).toEqual({ policy: "disconnect" });
    expect(rooms.stream("front")).toBe("desk:front");
  });

  it("has no send route without a send, and keeps nothing without history", () => {
    const rooms = defineRooms("feed", { id: z.string(), message: note, history: false });
    expect(Object.keys(rooms.routes.routes)).toEqual(["join", "leave"]);
    expect(rooms.observers.observers.message.kept).toBeUndefined();
    expect(rooms.observers.observers.message.slowClients).toBeUndefined();
  });

  it.each([-1, 1.5, 1_001])("refuses history.onJoin %s", (onJoin) => {
    expect(() => defineRooms("desk", { id: z.string(), message: note, history: { onJoin } })).toThrow(/history.onJoin is a whole number/);
  });

  it("refuses a room group's own stream bounds that no stream can keep", () => {
    expect(() => defineRooms("desk", { id: z.string(), message: note, history: { onJoin: 5, maxLength: -1 } })).toThrow(
      /Room group "desk": history.maxLength is a whole number/,
    );
    expect(() => defineRooms("desk", { id: z.string(), message: note, history: { onJoin: 5, ttlMs: 0 } })).toThrow(
      /Room group "desk": history.ttlMs is a duration/,
    );
  });

  it("keeps a room's stream within its own maxLength", async () => {
    const ctx = handlerContext();
    const rooms = defineRooms("desk", { id: z.string(), message: note, history: { onJoin: 5, maxLength: 2 } });
    for (const text of ["a", "b", "c"]) await rooms.publish(ctx, "front", { text });
    expect((await ctx.history.recent("desk:front", 5)).entries.map((entry) => (entry.message as { text: string }).text)).toEqual([
      "b",
      "c",
    ]);
  });

  it("records a route's ack schema, refusals and cost, and an observer's output, for the contract", () => {
    const ack = z.object({ id: z.string() });
    const said = route
      .input(z.object({}))
      .cost(2)
      .output(ack)
      .refuses({ FORBIDDEN: "not yours" })
      .handle(() => ({ id: "1" }));
    expect(said).toMatchObject({ cost: 2, output: ack, refusals: { FORBIDDEN: "not yours" } });
    const shown = z.object({ shown: z.string() });
    const observer = observe(note)
      .output(shown)
      .handle((payload) => ({ shown: payload.text }));
    expect(observer.output).toBe(shown);
  });

  it("publishes a kept message after appending it to the room's stream, with its position", async () => {
    const ctx = handlerContext();
    const rooms = defineRooms("desk", { id: z.string(), message: note, history: { onJoin: 5 } });
    const published = await rooms.publish(ctx, "front", { text: "hello" });
    const page = await ctx.history.recent("desk:front", 5);
    expect(page.entries).toEqual([{ offset: published.position.offset, message: { text: "hello" } }]);
    expect(published).toEqual({ text: "hello", room: "front", position: { epoch: page.epoch, offset: page.entries[0]?.offset } });
  });

  it("publishes a message named once only once: a repeat of its name is neither kept nor sent, and answers null", async () => {
    const ctx = handlerContext();
    const sent: unknown[] = [];
    const bus = { to: () => ({ publish: async (_topic: unknown, payload: unknown) => void sent.push(payload) }) } as unknown as Bus;
    const rooms = defineRooms("desk", { id: z.string(), message: note, history: { onJoin: 5 } });
    const first = await rooms.publish({ ...ctx, bus }, "front", { text: "hello" }, { once: "u1:abcdef0123456789" });
    const repeats = await Promise.all(
      Array.from({ length: 20 }, () => rooms.publish({ ...ctx, bus }, "front", { text: "hello" }, { once: "u1:abcdef0123456789" })),
    );
    expect(first?.position.offset).toBeDefined();
    expect(repeats.every((repeat) => repeat === null)).toBe(true);
    expect(sent).toEqual([first]);
    expect((await ctx.history.recent("desk:front", 5)).entries).toHaveLength(1);
    // Another room, or another name, is another message.
    expect(await rooms.publish({ ...ctx, bus }, "back", { text: "hello" }, { once: "u1:abcdef0123456789" })).not.toBeNull();
    expect(await rooms.publish({ ...ctx, bus }, "front", { text: "hello" }, { once: "u2:abcdef0123456789" })).not.toBeNull();
    expect(sent).toHaveLength(3);
  });

  it("refuses once on a group that keeps no history (nothing could remember the name)", async () => {
    const rooms = defineRooms("feed", { id: z.string(), message: note, history: false });
    await expect(rooms.publish(handlerContext(), "news", { text: "hello" }, { once: "u1:x" })).rejects.toThrow(/once needs history/);
  });

  it("publishes without keeping when the group keeps no history", async () => {
    const ctx = handlerContext();
    const rooms = defineRooms("feed", { id: z.string(), message: note, history: false });
    expect(await rooms.publish(ctx, "news", { text: "hello" })).toEqual({ text: "hello", room: "news" });
    expect((await ctx.history.recent("feed:news", 5)).entries).toEqual([]);
  });

  it("refuses to publish a message its schema does not accept, and keeps nothing of it", async () => {
    const ctx = handlerContext();
    const rooms = defineRooms("desk", { id: z.string(), message: note, history: { onJoin: 5 } });
    await expect(rooms.publish(ctx, "front", { text: "far too long for a note" })).rejects.toThrow(
      /A message for the "desk" rooms does not match its schema/,
    );
    expect((await ctx.history.recent("desk:front", 5)).entries).toEqual([]);
  });
});

describe("defineWhiskApp with room groups", () => {
  const rooms = defineRooms("room", { id: z.string(), message: note, history: false });

  it("lists the groups' routes and observers with the app's own", () => {
    const own = defineRoutes("room", { whisper: route.input(z.object({})).handle(() => null) });
    const app = defineWhiskApp({ rooms: [rooms], routes: [own], observers: [], workers: [] });
    expect(app.routes.map((group) => Object.keys(group.routes))).toEqual([["whisper"], ["join", "leave"]]);
    expect(app.observers).toEqual([rooms.observers]);
    expect(app.rooms).toEqual([rooms]);
  });

  it("refuses an app route that takes a room group's event name", () => {
    const clash = defineRoutes("room", { join: route.input(z.object({})).handle(() => null) });
    expect(() => defineWhiskApp({ rooms: [rooms], routes: [clash], observers: [], workers: [] })).toThrow(/two groups define "room.join"/);
  });

  it("refuses two room groups of one name", () => {
    const again = defineRooms("room", { id: z.string(), message: note, history: { onJoin: 1 } });
    expect(() => defineWhiskApp({ rooms: [rooms, again], routes: [], observers: [], workers: [] })).toThrow(
      /rooms group "room" is listed twice/,
    );
  });
});

describe("defineInbox", () => {
  const history = { onJoin: 3, maxLength: 4, ttlMs: 60_000 };

  it("adds join and leave routes and a message event, and no send", () => {
    const inbox = defineInbox("inbox", { message: note, history });
    expect(Object.keys(inbox.routes.routes)).toEqual(["join", "leave"]);
    expect(inbox.topic.name).toBe("inbox.message");
    expect(inbox.stream("u1")).toBe("inbox:u1");
  });

  it.each([
    [{ ...history, onJoin: -1 }, /history.onJoin is a whole number/],
    [{ ...history, maxLength: 5_000 }, /history.maxLength is a whole number from 0 to 1000/],
    [{ ...history, ttlMs: 0 }, /history.ttlMs is a duration/],
  ])("refuses bounds %j", (bounds, error) => {
    expect(() => defineInbox("inbox", { message: note, history: bounds })).toThrow(error);
  });

  it("keeps each person's messages in their own stream, at most maxLength of them, with their position", async () => {
    const ctx = handlerContext();
    const inbox = defineInbox("inbox", { message: note, history });
    for (let n = 1; n <= 6; n++) await inbox.publish(ctx, "u1", { text: `n${n}` });
    const last = await inbox.publish(ctx, "u2", { text: "other" });
    expect(last).toEqual({ text: "other", room: "u2", position: expect.objectContaining({ offset: expect.any(String) }) });
    const kept = await ctx.history.recent("inbox:u1", 50);
    expect(kept.entries.map((entry) => (entry.message as { text: string }).text)).toEqual(["n3", "n4", "n5", "n6"]);
    await expect(inbox.publish(ctx, "u1", { text: "far too long for a note" })).rejects.toThrow(/does not match its schema/);
  });
});
