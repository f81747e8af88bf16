/**
 * Metrics and traces of the scaled-out app as real processes over Redis (a web node, a gateway, a
 * worker), with tracing on (OTEL_EXPORTER_OTLP_ENDPOINT) and a collector in this test: a chat line
 * is one trace from the gateway's route through the worker's job back to the gateway's delivery,
 * Next.js's own spans arrive from the web node (instrumentation.ts ran), and each node's /metrics
 * shows routes by code, the queue's lag, depth and jobs, and the bus in and out.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Cluster, startCluster, TEST_REDIS_URL } from "whisk/testing";
import { nextSaid } from "./chat-lines";
import { at, type Connected, connect, metricValue, request, requestMemberToken, requestRaw } from "./clients";
import { type CollectedSpan, startOtlpCollector } from "./otlp-collector";

const METRICS_TOKEN = "traces-test-metrics-token-0123456789abcdef";
let cluster: Cluster;
let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
const open: Connected[] = [];

beforeAll(async () => {
  collector = await startOtlpCollector();
  cluster = await startCluster({
    redisUrl: TEST_REDIS_URL,
    topology: { web: ["web-1"], ws: ["ws-1"], worker: ["worker-1"] },
    env: {
      WHISK_METRICS_TOKEN: METRICS_TOKEN,
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      // Spans leave each process within a tenth of a second, not the default five.
      OTEL_BSP_SCHEDULE_DELAY: "100",
    },
  });
}, 120_000);
afterAll(async () => {
  for (const client of open) client.socket.close();
  await cluster?.stop();
  await collector?.close();
});

const gatewayUrl = () => at(cluster.gateways, 0).url;
const workerUrl = () => at(cluster.workers, 0).url;

async function member(name: string): Promise<Connected> {
  const connected = await connect(gatewayUrl(), { token: (await requestMemberToken(cluster.url, name)).token, origin: cluster.url });
  open.push(connected);
  return connected;
}

/** The one span named `name` in `trace`, once it has arrived. */
async function spanOf(traceId: string, name: string): Promise<CollectedSpan> {
  return vi.waitFor(
    () => {
      const span = collector.spans.find((each) => each.traceId === traceId && each.name === name);
      if (!span) throw new Error(`no ${name} in trace ${traceId} yet`);
      return span;
    },
    { timeout: 10_000, interval: 100 },
  );
}

describe("traces across processes", () => {
  it("carries one trace from a route on the gateway through the worker's job to the delivery", async () => {
    const ann = await member("Ann Trace");
    await request(ann.socket, "room.join", { room: "beach" });
    const heard = nextSaid(ann.socket);
    expect(await request(ann.socket, "room.send", { room: "beach", text: "traced line" })).toEqual({ status: "ok", data: { sent: true } });
    await heard;

    const routeSpan = await vi.waitFor(
      () => {
        const span = collector.spans.find((each) => each.name === "whisk.route room.send" && each.attributes["whisk.code"] === "ok");
        if (!span) throw new Error("no route span yet");
        return span;
      },
      { timeout: 10_000, interval: 100 },
    );
    const job = await spanOf(routeSpan.traceId, "whisk.job chat.say");
    const delivery = await spanOf(routeSpan.traceId, "whisk.delivery room.message");
    console.log(
      `traces: route on ${routeSpan.instance}, job on ${job.instance}, delivery on ${delivery.instance}; trace ${routeSpan.traceId}`,
    );
    expect(routeSpan).toMatchObject({ service: "whisk-app", instance: "ws-1" });
    expect(job).toMatchObject({ instance: "worker-1", parentSpanId: routeSpan.spanId });
    expect(delivery).toMatchObject({ instance: "ws-1", parentSpanId: job.spanId });
  });

  it("has Next.js's own spans from the web node: instrumentation.ts started tracing there", async () => {
    await requestMemberToken(cluster.url, "Ben Trace");
    await vi.waitFor(() => expect(collector.spans.filter((span) => span.instance === "web-1").length).toBeGreaterThan(0), {
      timeout: 10_000,
      interval: 100,
    });
    const names = new Set(collector.spans.filter((span) => span.instance === "web-1").map((span) => span.name));
    console.log(`traces: the web node sent spans ${[...names].slice(0, 5).join(", ")}`);
  });
});

describe("metrics across processes", () => {
  it("shows routes by result code on the gateway, and jobs, queue and bus on the worker", async () => {
    const cy = await member("Cy Metrics");
    await request(cy.socket, "room.join", { room: "orbit" });
    const heard = nextSaid(cy.socket);
    await request(cy.socket, "room.send", { room: "orbit", text: "counted" });
    await heard;
    expect(await requestRaw(cy.socket, "room.send", { room: "orbit", text: 42 })).toMatchObject({ error: { code: "BAD_PAYLOAD" } });

    const gateway = (name: string, labels: Record<string, string>) => metricValue(gatewayUrl(), METRICS_TOKEN, name, labels);
    const worker = (name: string, labels: Record<string, string>) => metricValue(workerUrl(), METRICS_TOKEN, name, labels);
    expect(await gateway("whisk_route_duration_seconds_count", { route: "room.send", code: "ok" })).toBeGreaterThanOrEqual(1);
    expect(await gateway("whisk_route_duration_seconds_count", { route: "room.send", code: "BAD_PAYLOAD" })).toBe(1);
    expect(await gateway("whisk_errors_total", { source: "route", code: "BAD_PAYLOAD" })).toBe(1);
    expect(await gateway("whisk_bus_sent_total", { kind: "enqueue", topic: "chat.say" })).toBeGreaterThanOrEqual(1);
    expect(await gateway("whisk_bus_envelopes_total", { outcome: "delivered" })).toBeGreaterThanOrEqual(1);
    expect(await worker("whisk_job_duration_seconds_count", { queue: "chat.say", code: "ok" })).toBeGreaterThanOrEqual(1);
    expect(await worker("whisk_queue_lag_seconds_count", { queue: "chat.say" })).toBeGreaterThanOrEqual(1);
    expect(await worker("whisk_bus_sent_total", { kind: "publish", topic: "room.message" })).toBeGreaterThanOrEqual(1);
    // Served by the process that runs the queue's workers, read from Redis: nothing is left in it.
    const depth = await (await fetch(`${workerUrl()}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(depth).toMatch(/^whisk_queue_depth\{queue="chat.say",node="worker-1"\} 0$/m);
  });
});
