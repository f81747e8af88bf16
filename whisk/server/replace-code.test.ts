/**
 * `whisk.replaceCode`, the development reload's swap, against a real gateway in this process:
 * the same socket runs the new routes, observers, hooks and services at its next event; code a
 * gateway cannot serve is refused whole and the old code goes on; workers move to the new groups.
 */
import { createServer } from "node:http";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { freePort } from "../testing/free-port";
import { listenOnLoopback } from "../testing/listen-on-loopback";
import { nextEventRaw, requestRaw } from "../testing/typed-client";
import { createBuilders } from "./builders";
import { createWhisk, type Whisk } from "./create-whisk";
import { defineObservers, defineRoutes, defineWorkers } from "./groups";
import { createLogger } from "./logger";
import { defineWhiskApp } from "./whisk-app";

interface Services {
  greeting: string;
}
const { route, observe, work } = createBuilders<Services>();

/** One version of an app: its route answers `version`, its observer and worker say it too. */
function appVersion(version: number) {
  const told = defineObservers("told", {
    heard: observe(z.object({ text: z.string() })).handle(({ text }) => ({ text: `v${version} ${text}` })),
  });
  const jobs = defineWorkers("jobs", {
    run: work(z.object({})).handle(() => ({ by: `v${version}` })),
  });
  const hello = defineRoutes(
    "hello",
    {
      say: route.input(z.object({})).handle((_input, ctx) => ({ version, greeting: ctx.services.greeting })),
      tell: route.input(z.object({ text: z.string() })).handle(async ({ text }, ctx) => {
        await ctx.bus.everyone().publish(told.topics.heard, { text });
        return {};
      }),
      job: route.input(z.object({})).handle((_input, ctx) => ctx.bus.request(jobs.queues.run, {}, { timeoutMs: 2_000 })),
    },
    { access: "guests" },
  );
  return defineWhiskApp({ routes: [hello], observers: [told], workers: [jobs] });
}

let whisk: Whisk<Services>;
let closeServer: () => Promise<unknown>;
let socket: Socket;
const connections: string[] = [];

beforeAll(async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  whisk = createWhisk({
    app: appVersion(1),
    services: { greeting: "hi" },
    hooks: { onDisconnect: () => void connections.push("v1 saw a disconnect") },
    nodeId: "replace-code",
    logger: createLogger({ nodeId: "replace-code", level: "silent" }),
    allowedOrigins: [url],
  });
  const server = createServer();
  whisk.attachGateway(server);
  whisk.startWorkers();
  closeServer = await listenOnLoopback(server, port);
  const session = await whisk.sessions.create({ userId: "u1", userName: "One" }, 60_000);
  const { token } = await whisk.issueToken({ sessionId: session.id, userId: "u1" });
  socket = io(url, { path: "/whisk", auth: { token }, extraHeaders: { origin: url }, transports: ["websocket"], reconnection: false });
  await nextEventRaw(socket, "whisk.welcome");
});

afterAll(async () => {
  socket?.close();
  await whisk?.close();
  await closeServer?.();
});

describe("replaceCode", () => {
  it("runs the new routes, observers, workers and services on the same socket, without a disconnect", async () => {
    expect(await requestRaw(socket, "hello.say", {})).toEqual({ status: "ok", data: { version: 1, greeting: "hi" } });
    const socketId = socket.id;

    await whisk.replaceCode({ app: appVersion(2), services: { greeting: "hello" }, hooks: {} });

    expect(await requestRaw(socket, "hello.say", {})).toEqual({ status: "ok", data: { version: 2, greeting: "hello" } });
    const heard = nextEventRaw(socket, "told.heard");
    await requestRaw(socket, "hello.tell", { text: "news" });
    expect(await heard).toEqual({ text: "v2 news" });
    expect(await requestRaw(socket, "hello.job", {})).toEqual({ status: "ok", data: { status: "ok", data: { by: "v2" } } });
    expect(socket.id).toBe(socketId);
    expect(socket.connected).toBe(true);
  });

  it("refuses code a gateway cannot serve, whole: the last good code keeps serving", async () => {
    const tooCostly = defineRoutes(
      "hello",
      {
        say: route
          .input(z.object({}))
          .cost(1_000)
          .handle(() => ({ version: 3 })),
      },
      { access: "guests" },
    );
    const broken = defineWhiskApp({ routes: [tooCostly], observers: [], workers: [] });

    await expect(whisk.replaceCode({ app: broken, services: { greeting: "lost" } })).rejects.toThrow(/costs 1000 events/);

    expect(await requestRaw(socket, "hello.say", {})).toEqual({ status: "ok", data: { version: 2, greeting: "hello" } });
    expect(await requestRaw(socket, "hello.job", {})).toEqual({ status: "ok", data: { status: "ok", data: { by: "v2" } } });
  });

  it("drops a route the new code no longer has, and runs the new hooks only", async () => {
    const seen: string[] = [];
    const smaller = defineWhiskApp({
      routes: [defineRoutes("hello", { say: route.input(z.object({})).handle(() => ({ version: 4 })) }, { access: "guests" })],
      observers: [],
      workers: [],
    });
    await whisk.replaceCode({ app: smaller, hooks: { onDisconnect: () => void seen.push("v4 saw a disconnect") } });

    const unknown = await requestRaw(socket, "hello.tell", { text: "gone" });
    expect(unknown).toMatchObject({ status: "error", error: { code: "UNKNOWN_EVENT" } });
    const gone = new Promise((resolve) => socket.once("disconnect", resolve));
    socket.close();
    await gone;
    await expect.poll(() => seen).toEqual(["v4 saw a disconnect"]);
    expect(connections).toEqual([]);
  });
});
