/**
 * What `/metrics` and OpenTelemetry show of a real gateway in this process: each route timed by
 * its result code, errors by code, jobs' lag and duration, what went on the bus; and, with
 * tracing on, one trace from a client's event through the job it queued to the delivery its job
 * published. The same across real processes over Redis: tests/integration/traces-and-metrics.test.ts.
 */
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { WhiskError } from "../core/errors";
import { connectAs, serveGateway } from "../testing/in-process-gateway";
import { nextEventRaw, requestRaw } from "../testing/typed-client";
import { createBuilders } from "./builders";
import { createWhisk, type Whisk } from "./create-whisk";
import { UNKNOWN_ROUTE_LABEL } from "./event-dispatch";
import { defineObservers, defineRoutes, defineWorkers } from "./groups";
import { createLogger } from "./logger";
import { defineWhiskApp } from "./whisk-app";

const { route, observe, work } = createBuilders<object>();

/** `lab.ask` queues a job that publishes `told.heard` to everyone; `lab.refuse` and `lab.crash` fail. */
function labApp() {
  const told = defineObservers("told", { heard: observe(z.object({ text: z.string() })).handle((message) => message) });
  const jobs = defineWorkers("jobs", {
    tell: work(z.object({ text: z.string() })).handle(async ({ text }, ctx) => {
      await ctx.bus.everyone().publish(told.topics.heard, { text });
    }),
  });
  const lab = defineRoutes(
    "lab",
    {
      ask: route.input(z.object({ text: z.string().max(20) })).handle(async ({ text }, ctx) => {
        await ctx.bus.send(jobs.queues.tell, { text });
        return { queued: true };
      }),
      refuse: route.input(z.object({})).handle(() => {
        throw new WhiskError("FORBIDDEN", "Not you.");
      }),
      crash: route.input(z.object({})).handle(() => {
        throw new Error("a bug");
      }),
    },
    { access: "guests" },
  );
  return defineWhiskApp({ routes: [lab], observers: [told], workers: [jobs] });
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A gateway and worker of the lab app, with one connected socket. */
async function startLab(options: { tracing: boolean }): Promise<{ whisk: Whisk<object>; socket: Socket }> {
  const whisk = createWhisk({
    app: labApp(),
    services: {},
    nodeId: "lab-node",
    logger: createLogger({ nodeId: "lab-node", level: "silent" }),
    defaultMetrics: false,
    tracing: options.tracing,
    allowedOrigins: ["http://lab.test"],
  });
  // Room for the thousand invented names below without tripping the flood guard.
  const { url } = await serveGateway(whisk, cleanups, { limits: { eventBurst: 5_000, eventsPerSecond: 5_000 } });
  whisk.startWorkers();
  const socket = await connectAs(whisk, url, { id: "u1", name: "One" }, { origin: "http://lab.test", cleanups });
  return { whisk, socket };
}

/** Every served line of a metric, e.g. `whisk_route_duration_seconds_count{route="lab.ask",code="ok",node="lab-node"} 1`. */
async function lines(whisk: Whisk<object>, name: string): Promise<string[]> {
  return (await whisk.metrics.registry.metrics()).split("\n").filter((line) => line.startsWith(`${name}{`));
}

async function value(whisk: Whisk<object>, name: string, labels: Record<string, string>): Promise<number> {
  const line = (await lines(whisk, name)).find((each) => Object.entries(labels).every(([key, v]) => each.includes(`${key}="${v}"`)));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("route metrics", () => {
  it("times each route by result code, and counts errors by code", async () => {
    const { whisk, socket } = await startLab({ tracing: false });
    const heard = nextEventRaw(socket, "told.heard");
    expect(await requestRaw(socket, "lab.ask", { text: "hi" })).toEqual({ status: "ok", data: { queued: true } });
    expect(await heard).toEqual({ text: "hi" });
    await requestRaw(socket, "lab.ask", { text: "far too long for the schema" });
    await requestRaw(socket, "lab.refuse", {});
    await requestRaw(socket, "lab.crash", {});
    await requestRaw(socket, "lab.nothing", {});

    const count = "whisk_route_duration_seconds_count";
    expect(await value(whisk, count, { route: "lab.ask", code: "ok" })).toBe(1);
    expect(await value(whisk, count, { route: "lab.ask", code: "BAD_PAYLOAD" })).toBe(1);
    expect(await value(whisk, count, { route: "lab.refuse", code: "FORBIDDEN" })).toBe(1);
    expect(await value(whisk, count, { route: "lab.crash", code: "INTERNAL" })).toBe(1);
    expect(await value(whisk, count, { route: UNKNOWN_ROUTE_LABEL, code: "UNKNOWN_EVENT" })).toBe(1);
    for (const code of ["BAD_PAYLOAD", "FORBIDDEN", "INTERNAL", "UNKNOWN_EVENT"]) {
      expect(await value(whisk, "whisk_errors_total", { source: "route", code })).toBe(1);
    }
    // The answer took some time, and no more than the test's own round trip.
    const seconds = await value(whisk, "whisk_route_duration_seconds_sum", { route: "lab.ask", code: "ok" });
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(5);
  });

  it("counts what went on the bus, and each job's lag, duration and queue", async () => {
    const { whisk, socket } = await startLab({ tracing: false });
    const heard = nextEventRaw(socket, "told.heard");
    await requestRaw(socket, "lab.ask", { text: "hi" });
    await heard;
    expect(await value(whisk, "whisk_bus_sent_total", { kind: "enqueue", topic: "jobs.tell" })).toBe(1);
    expect(await value(whisk, "whisk_bus_sent_total", { kind: "publish", topic: "told.heard" })).toBe(1);
    expect(await value(whisk, "whisk_queue_lag_seconds_count", { queue: "jobs.tell" })).toBe(1);
    expect(await value(whisk, "whisk_job_duration_seconds_count", { queue: "jobs.tell", code: "ok" })).toBe(1);
    // Done, so nothing waits: the depth is served, and it is 0.
    await vi.waitFor(async () =>
      expect(await lines(whisk, "whisk_queue_depth")).toEqual([expect.stringMatching(/queue="jobs.tell".* 0$/)]),
    );
  });

  it("keeps one series for a thousand invented event names, in counts and in bytes", async () => {
    const { whisk, socket } = await startLab({ tracing: false });
    await requestRaw(socket, "lab.invented-0", {});
    const before = await whisk.metrics.registry.metrics();
    await Promise.all(Array.from({ length: 1_000 }, (_, n) => requestRaw(socket, `lab.invented-${n + 1}`, {})));
    const after = await whisk.metrics.registry.metrics();
    const unknownSeries = (await lines(whisk, "whisk_route_duration_seconds_count")).filter((line) => line.includes(UNKNOWN_ROUTE_LABEL));
    console.log(
      `metrics: 1,001 invented event names -> ${unknownSeries.length} series; /metrics ${before.length} -> ${after.length} bytes`,
    );
    expect(unknownSeries).toHaveLength(1);
    expect(await value(whisk, "whisk_route_duration_seconds_count", { route: UNKNOWN_ROUTE_LABEL })).toBe(1_001);
    expect(after).not.toContain("invented");
    // Only the counts' digits grow.
    expect(after.length - before.length).toBeLessThan(100);
  });
});

describe("traces", () => {
  const exporter = new InMemorySpanExporter();
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
  });
  afterAll(() => {
    trace.disable();
    propagation.disable();
    context.disable();
  });
  afterEach(() => exporter.reset());

  it("follows a client's event through the job it queued to the delivery the job published", async () => {
    const { socket } = await startLab({ tracing: true });
    const heard = nextEventRaw(socket, "told.heard");
    await requestRaw(socket, "lab.ask", { text: "traced" });
    await heard;
    await vi.waitFor(() => expect(exporter.getFinishedSpans().map((span) => span.name)).toContain("whisk.delivery told.heard"));
    const spans = exporter.getFinishedSpans();
    const named = (name: string) => {
      const span = spans.find((each) => each.name === name);
      if (!span) throw new Error(`no span ${name} among ${spans.map((each) => each.name).join(", ")}`);
      return span;
    };
    const routeSpan = named("whisk.route lab.ask");
    const job = named("whisk.job jobs.tell");
    const delivery = named("whisk.delivery told.heard");
    expect(routeSpan.attributes).toMatchObject({ "whisk.route": "lab.ask", "whisk.user": "u1", "whisk.code": "ok" });
    // One trace: the job is the route's child, the delivery the job's.
    expect(job.spanContext().traceId).toBe(routeSpan.spanContext().traceId);
    expect(job.parentSpanContext?.spanId).toBe(routeSpan.spanContext().spanId);
    expect(delivery.spanContext().traceId).toBe(routeSpan.spanContext().traceId);
    expect(delivery.parentSpanContext?.spanId).toBe(job.spanContext().spanId);
  });

  it("marks a failed route's span with its code", async () => {
    const { socket } = await startLab({ tracing: true });
    await requestRaw(socket, "lab.refuse", {});
    await vi.waitFor(() => expect(exporter.getFinishedSpans().map((span) => span.name)).toContain("whisk.route lab.refuse"));
    const span = exporter.getFinishedSpans().find((each) => each.name === "whisk.route lab.refuse");
    expect(span?.attributes["whisk.code"]).toBe("FORBIDDEN");
    expect(span?.status).toMatchObject({ code: 2, message: "FORBIDDEN" });
  });

  it("opens no span and carries no trace with tracing off, even with an SDK registered", async () => {
    const { whisk, socket } = await startLab({ tracing: false });
    const carried: (string | undefined)[] = [];
    whisk.bus.onPublished((envelope) => carried.push(envelope.trace));
    const heard = nextEventRaw(socket, "told.heard");
    await requestRaw(socket, "lab.ask", { text: "untraced" });
    await heard;
    expect(carried.length).toBeGreaterThan(0);
    expect(carried.every((each) => each === undefined)).toBe(true);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
