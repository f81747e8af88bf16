import pino from "pino";
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { Bus } from "../bus/bus";
import { MemoryTransport } from "../bus/memory-transport";
import { WhiskError } from "../core/errors";
import type { Ack } from "../core/result";
import { MemoryHistoryStore } from "../history/memory-history-store";
import { MemorySessionStore } from "../session/memory-session-store";
import { createBuilders } from "./builders";
import { defineWorkers } from "./groups";
import { startWorkers } from "./worker-runner";

const { work } = createBuilders<{ factor: number }>();
const math = defineWorkers("math", {
  scale: work(z.object({ n: z.number() })).handle(({ n }, ctx) => ({ result: n * ctx.services.factor })),
  refuse: work(z.object({})).handle(() => {
    throw new WhiskError("UNAUTHORIZED", "not for you");
  }),
  crash: work(z.object({})).handle(() => {
    throw new Error("secret detail");
  }),
});

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

function setUp(withWorker = true) {
  const transport = new MemoryTransport();
  const bus = new Bus(transport, "requester");
  if (withWorker) {
    const workerBus = new Bus(transport, "worker");
    stops.push(
      startWorkers(workerBus, [math], {
        services: { factor: 3 },
        bus: workerBus,
        sessions: new MemorySessionStore(),
        history: new MemoryHistoryStore(),
        node: { id: "worker" },
        log: pino({ level: "silent" }),
      }),
    );
  }
  return bus;
}

describe("bus.request", () => {
  it("resolves to the worker's return value, typed from the worker definition", async () => {
    const result = await setUp().request(math.queues.scale, { n: 14 });
    expect(result).toEqual({ status: "ok", data: { result: 42 } });
    expectTypeOf(result).toEqualTypeOf<Ack<{ result: number }>>();
  });

  it("passes a worker's WhiskError through, and hides an unexpected error's text as INTERNAL", async () => {
    const bus = setUp();
    expect(await bus.request(math.queues.refuse, {})).toEqual({ status: "error", error: { code: "UNAUTHORIZED", message: "not for you" } });
    const crashed = await bus.request(math.queues.crash, {});
    expect(crashed).toEqual({ status: "error", error: { code: "INTERNAL", message: "Something went wrong on the server." } });
  });

  it("resolves to TIMEOUT when no worker answers in time", async () => {
    const result = await setUp(false).request(math.queues.scale, { n: 1 }, { timeoutMs: 50 });
    expect(result).toMatchObject({ status: "error", error: { code: "TIMEOUT" } });
  });

  it("refuses a payload that does not match the queue's schema before sending it", async () => {
    // @ts-expect-error: n must be a number
    await expect(setUp().request(math.queues.scale, { n: "x" })).rejects.toThrow(/math.scale/);
  });
});
