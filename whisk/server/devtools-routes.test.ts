/**
 * The devtools' server side on a real gateway in this process: what `whisk.describe`,
 * `whisk.inspect`, `whisk.check` and `whisk.ping` answer in development, and that with devtools
 * off (production) each is refused. Across nodes over Redis: tests/integration/devtools.test.ts.
 */
import { io, type Socket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { serveGateway } from "../testing/in-process-gateway";
import { nextEventRaw, requestRaw } from "../testing/typed-client";
import { createBuilders } from "./builders";
import { createWhisk, type Whisk } from "./create-whisk";
import { defineRooms } from "./define-rooms";
import { MAX_PRESENT_SHOWN } from "./devtools-routes";
import { createLogger } from "./logger";
import { defineWhiskApp } from "./whisk-app";

const { route } = createBuilders<object>();

const desk = defineRooms("desk", {
  id: z.string().max(20),
  message: z.object({ text: z.string() }),
  history: false,
  presence: z.object({ typing: z.boolean() }),
  send: route.input(z.object({ room: z.string(), text: z.string().min(1).max(50) })).handle(async ({ room, text }, ctx) => {
    await desk.publish(ctx, room, { text });
    return { sent: true };
  }),
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startDesk(devtools: boolean): Promise<((name: string) => Promise<Socket>) & { whisk: Whisk<object> }> {
  const whisk = createWhisk({
    app: defineWhiskApp({ rooms: [desk], routes: [], observers: [], workers: [] }),
    services: {},
    nodeId: devtools ? "dev-node" : "prod-node",
    logger: createLogger({ nodeId: "devtools", level: "silent" }),
    defaultMetrics: false,
    devtools,
    allowedOrigins: ["http://desk.test"],
  });
  const { url } = await serveGateway(whisk, cleanups);
  const join = async (name: string) => {
    const session = await whisk.sessions.create({ userId: name.toLowerCase(), userName: name }, 60_000);
    const { token } = await whisk.issueToken({ sessionId: session.id, userId: name.toLowerCase() });
    const socket = io(url, { path: "/whisk", auth: { token }, extraHeaders: { origin: "http://desk.test" }, transports: ["websocket"] });
    cleanups.push(() => socket.close());
    await nextEventRaw(socket, "whisk.welcome");
    return socket;
  };
  return Object.assign(join, { whisk });
}

describe("devtools routes, in development", () => {
  it("describe the node and every route and event with its schema", async () => {
    const ann = await (await startDesk(true))("Ann");
    const described = await requestRaw(ann, "whisk.describe", {});
    expect(described).toMatchObject({ status: "ok", data: { node: "dev-node", gateways: [] } });
    const data = (described as { data: { routes: { event: string; input: unknown }[]; events: { event: string }[] } }).data;
    expect(data.routes.map((each) => each.event)).toEqual(["desk.join", "desk.leave", "desk.presence", "desk.send"]);
    expect(data.routes.find((each) => each.event === "desk.send")?.input).toMatchObject({
      type: "object",
      properties: { text: { type: "string", minLength: 1, maxLength: 50 } },
    });
    expect(data.events.map((each) => each.event)).toEqual(["desk.message"]);
    // The devtools' own routes are not the app's.
    expect(JSON.stringify(data)).not.toContain("whisk.check");
  });

  it("inspect the socket's rooms with who is present there and their state", async () => {
    const join = await startDesk(true);
    const [ann, ben] = [await join("Ann"), await join("Ben")];
    await requestRaw(ann, "desk.join", { room: "front" });
    await requestRaw(ben, "desk.join", { room: "front" });
    await requestRaw(ben, "desk.presence", { room: "front", state: { typing: true } });
    const inspected = await requestRaw(ann, "whisk.inspect", {});
    expect(inspected).toMatchObject({
      status: "ok",
      data: { node: "dev-node", user: { id: "ann", name: "Ann" }, session: "member", rooms: [{ room: "front" }] },
    });
    const present = (inspected as { data: { rooms: { present: unknown[] }[] } }).data.rooms[0]?.present;
    expect(present).toEqual(
      expect.arrayContaining([
        { userId: "ann", userName: "Ann", nodeId: "dev-node" },
        { userId: "ben", userName: "Ben", nodeId: "dev-node", state: { typing: true } },
      ]),
    );
  });

  it("lists the first 50 people of a crowded room, with its count, in an answer of bounded size", async () => {
    const join = await startDesk(true);
    // 2,000 sockets on other nodes, each with a 1 KB state.
    const note = "x".repeat(1_000);
    for (let n = 0; n < 2_000; n++) {
      await join.whisk.backend.presence.add(
        "crowd",
        { socketId: `s${n}`, userId: `u${n}`, userName: `User ${n}`, nodeId: "elsewhere", state: { note } },
        60_000,
      );
    }
    const ann = await join("Ann");
    await requestRaw(ann, "desk.join", { room: "crowd" });
    const inspected = (await requestRaw(ann, "whisk.inspect", {})) as { data: { rooms: { present: unknown[]; count: number }[] } };
    const bytes = JSON.stringify(inspected).length;
    console.log(`devtools: a room of 2,001 with 1 KB states -> ${inspected.data.rooms[0]?.present.length} listed, answer ${bytes} bytes`);
    expect(inspected.data.rooms[0]?.present).toHaveLength(MAX_PRESENT_SHOWN);
    expect(inspected.data.rooms[0]?.count).toBe(2_001);
    expect(bytes).toBeLessThan(MAX_PRESENT_SHOWN * 1_100);
  });

  it("check a payload against a route's schema without running it", async () => {
    const ann = await (await startDesk(true))("Ann");
    expect(await requestRaw(ann, "whisk.check", { event: "desk.send", payload: { room: "front", text: "hi" } })).toEqual({
      status: "ok",
      data: { valid: true },
    });
    expect(await requestRaw(ann, "whisk.check", { event: "desk.send", payload: { room: "front", text: "" } })).toMatchObject({
      status: "ok",
      data: { valid: false, issues: [{ path: ["text"] }] },
    });
    // Checked, not run: Ann is in no room, and a send would have been refused.
    expect(await requestRaw(ann, "whisk.check", { event: "desk.nothing", payload: {} })).toMatchObject({
      error: { code: "UNKNOWN_EVENT" },
    });
    expect(await requestRaw(ann, "whisk.check", { event: "x".repeat(201), payload: {} })).toMatchObject({ error: { code: "BAD_PAYLOAD" } });
    expect(await requestRaw(ann, "whisk.ping", {})).toMatchObject({ status: "ok", data: { at: expect.any(Number) } });
  });
});

describe("devtools routes, in production", () => {
  it("refuses every one with FORBIDDEN, and the socket goes on", async () => {
    const ann = await (await startDesk(false))("Ann");
    for (const event of ["whisk.describe", "whisk.inspect", "whisk.ping"]) {
      expect(await requestRaw(ann, event, {})).toMatchObject({ status: "error", error: { code: "FORBIDDEN" } });
    }
    expect(await requestRaw(ann, "whisk.check", { event: "desk.send", payload: {} })).toMatchObject({ error: { code: "FORBIDDEN" } });
    expect(await requestRaw(ann, "desk.join", { room: "front" })).toMatchObject({ status: "ok" });
  });
});
