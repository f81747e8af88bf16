/**
 * Event dispatch on a real gateway in this process: one shared listener for every socket, each
 * socket's route context and budget made at its first event and kept, a flooder refused then
 * disconnected with the notice, and its neighbour unaffected.
 */
import type { Socket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { DISCONNECT_EVENT } from "../core/protocol";
import { connectAs, serveGateway } from "../testing/in-process-gateway";
import { nextEventRaw, requestRaw } from "../testing/typed-client";
import { createBuilders } from "./builders";
import { createWhisk } from "./create-whisk";
import type { RouteContext } from "./definitions";
import { defineRoutes } from "./groups";
import { createLogger } from "./logger";
import { defineWhiskApp } from "./whisk-app";

const { route } = createBuilders<object>();
/** Every context `lab.who` was called with, to see that a socket keeps one. */
const contexts: RouteContext<object>[] = [];
const lab = defineRoutes(
  "lab",
  {
    who: route.input(z.object({})).handle((_input, ctx) => {
      contexts.push(ctx);
      return { socket: ctx.socket.id, user: ctx.user.id };
    }),
  },
  { access: "guests" },
);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  contexts.length = 0;
});

async function startGateway() {
  const whisk = createWhisk({
    app: defineWhiskApp({ routes: [lab], observers: [], workers: [] }),
    services: {},
    nodeId: "dispatch-node",
    logger: createLogger({ nodeId: "dispatch-node", level: "silent" }),
    defaultMetrics: false,
    allowedOrigins: ["http://lab.test"],
  });
  const { url, gateway } = await serveGateway(whisk, cleanups, {
    limits: { eventBurst: 3, eventsPerSecond: 0.001, floodDisconnectAfter: 2 },
  });
  const connect = (userId: string): Promise<Socket> => connectAs(whisk, url, { id: userId }, { origin: "http://lab.test", cleanups });
  return { gateway, connect };
}

describe("EventDispatch", () => {
  it("answers with the socket's own context, made once, through one listener shared by every socket", async () => {
    const { gateway, connect } = await startGateway();
    const [a, b] = [await connect("a"), await connect("b")];
    const [serverA, serverB] = [...gateway.io.of("/").sockets.values()];
    expect(serverA?.listenersAny()).toHaveLength(1);
    expect(serverA?.listenersAny()[0]).toBe(serverB?.listenersAny()[0]);

    expect(await requestRaw(a, "lab.who", {})).toEqual({ status: "ok", data: { socket: serverA?.id, user: "a" } });
    expect(await requestRaw(a, "lab.who", {})).toEqual({ status: "ok", data: { socket: serverA?.id, user: "a" } });
    expect(await requestRaw(b, "lab.who", {})).toEqual({ status: "ok", data: { socket: serverB?.id, user: "b" } });
    expect(contexts[0]).toBe(contexts[1]);
    expect(contexts[2]).not.toBe(contexts[0]);
  });

  it("refuses past the burst, disconnects a socket that keeps on with the notice, and leaves its neighbour alone", async () => {
    const { connect } = await startGateway();
    const [flooder, neighbour] = [await connect("flooder"), await connect("neighbour")];
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await requestRaw(flooder, "lab.who", {}));
    expect(answers.map((answer) => answer.status)).toEqual(["ok", "ok", "ok", "error", "error"]);
    expect(answers[3]).toMatchObject({ error: { code: "RATE_LIMITED" } });

    const notice = nextEventRaw(flooder, DISCONNECT_EVENT);
    const gone = new Promise((resolve) => flooder.once("disconnect", resolve));
    flooder.emit("lab.who", {}, () => {});
    expect(await notice).toMatchObject({ code: "RATE_LIMITED" });
    expect(await gone).toBe("io server disconnect");
    expect(await requestRaw(neighbour, "lab.who", {})).toMatchObject({ status: "ok", data: { user: "neighbour" } });
  });
});
