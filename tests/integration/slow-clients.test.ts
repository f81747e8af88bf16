/**
 * Slow-client policies against a real gateway in this process: a stalled reader (a raw engine.io
 * polling client that stops polling) and a fast socket.io client in one room, 60 messages, and
 * what each gets once the stalled one reads again; the counters on /metrics.
 */
import { createServer } from "node:http";
import type { Server } from "socket.io";
import { afterEach, describe, expect, it, vi } from "vitest";
import { appRoom } from "whisk/core";
import { createWhisk, type GatewayLimits, handleHealth, type Whisk } from "whisk/host";
import { createBuilders, defineObservers, defineWhiskApp, toRoom } from "whisk/server";
import { freePort, type ServerProcess, startServerProcess } from "whisk/testing";
import { z } from "zod";
import { connect, requestToken } from "./clients";

const { observe } = createBuilders<object>();
const flash = z.object({ n: z.number() });
const feed = defineObservers("feed", {
  dropped: observe(flash)
    .slowClients({ policy: "drop-oldest", maxQueued: 10 })
    .handle((message) => message),
  latest: observe(flash)
    .slowClients({ policy: "keep-latest" })
    .handle((message) => message),
  cut: observe(flash)
    .slowClients({ policy: "disconnect" })
    .handle((message) => message),
  plain: observe(flash).handle((message) => message),
});
type FeedTopic = keyof typeof feed.topics;

const SLOW_AFTER = 5;
const MESSAGES = 60;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function gateway(limits: Partial<GatewayLimits> = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const whisk: Whisk<object> = createWhisk({
    app: defineWhiskApp({ routes: [], observers: [feed], workers: [] }),
    services: {},
    nodeId: "slow-clients",
    allowedOrigins: [url],
  });
  const server = createServer((req, res) => {
    const checks = { nodeId: whisk.nodeId, role: "ws", readiness: {}, metrics: whisk.metrics.registry };
    if (!handleHealth(req, res, checks)) res.writeHead(404).end();
  });
  const { io } = whisk.attachGateway(server, {
    limits: { slowClientAfterPackets: SLOW_AFTER, maxBufferedPackets: 1_000, ...limits },
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  cleanups.push(async () => {
    await whisk.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const session = async (userId: string) => {
    const created = await whisk.sessions.create({ userId, userName: userId }, 60_000);
    return (await whisk.issueToken({ sessionId: created.id, userId })).token;
  };
  const fast = await connect(url, { token: await session("fast"), transports: ["websocket"] });
  cleanups.push(() => fast.socket.close());
  const stalled = await stalledReader(io, url, await session("slow"));
  // One room for both, joined on the server (a route's join would also send presence packets).
  for (const socket of io.of("/").sockets.values()) socket.join(appRoom("r"));
  const fastGot: number[] = [];
  for (const topic of Object.keys(feed.topics)) fast.socket.on(`feed.${topic}`, ({ n }: { n: number }) => fastGot.push(n));

  /** Publishes to the room one message at a time, each delivered (to the fast client) before the next. */
  const publish = async (topic: FeedTopic, count: number) => {
    const start = fastGot.length;
    for (let n = 0; n < count; n++) {
      await whisk.bus.to(toRoom("r")).publish(feed.topics[topic], { n });
      await vi.waitFor(() => expect(fastGot).toHaveLength(start + n + 1), { interval: 1 });
    }
  };
  const metrics = async () => {
    const response = await fetch(`${url}/metrics`);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    return response.text();
  };
  return { io, stalled, fast, fastGot, publish, metrics };
}

/**
 * A raw engine.io polling client that completes the Whisk handshake and reads its welcome, then
 * polls only when told to. It never leaves a poll waiting (engine.io would take an aborted poll
 * for a lost client), so it reads only while the server holds packets for it.
 */
async function stalledReader(io: Server, url: string, token: string) {
  const handshake = await (await fetch(`${url}/whisk/?EIO=4&transport=polling`, { headers: { origin: url } })).text();
  const sid = (JSON.parse(handshake.slice(1)) as { sid: string }).sid;
  const poll = `${url}/whisk/?EIO=4&transport=polling&sid=${sid}`;
  await fetch(poll, { method: "POST", headers: { origin: url }, body: `40${JSON.stringify({ token })}` });
  // engine.io's connections by id, and their outbound buffers: neither has a public getter.
  const engineSocket = () => (io.engine as unknown as { clients: Record<string, { writeBuffer: unknown[] } | undefined> }).clients[sid];
  const events: [string, unknown][] = [];
  const readOnce = async () => {
    const response = await fetch(poll, { headers: { origin: url } });
    if (!response.ok) return response;
    for (const packet of (await response.text()).split("\x1e")) {
      if (packet.startsWith("42")) events.push(JSON.parse(packet.slice(2)) as [string, unknown]);
    }
    return response;
  };
  /** Polls while the server holds packets for it: everything it is owed, as the client would read it. */
  const readAll = async () => {
    while ((engineSocket()?.writeBuffer.length ?? 0) > 0) await readOnce();
    return events;
  };
  await vi.waitFor(async () => {
    await readAll();
    expect(events.map(([event]) => event)).toContain("whisk.welcome");
  });
  return {
    readOnce,
    readAll,
    /** Payloads of `topic` it has read, in order. */
    got: (topic: FeedTopic) => events.filter(([event]) => event === `feed.${topic}`).map(([, payload]) => (payload as { n: number }).n),
    connected: () => engineSocket() !== undefined,
  };
}

/** A sample's value from Prometheus text, by name and labels (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) return Number(line.split(" ").at(-1));
  }
  return 0;
}

describe("slow-client policies", () => {
  it("drop-oldest: the stalled reader gets what its buffer took, then the last 10 in order; the fast one gets all 60", async () => {
    const { stalled, fastGot, publish, metrics } = await gateway();
    await publish("dropped", MESSAGES);
    expect(fastGot).toEqual(range(0, MESSAGES));
    const before = await metrics();
    expect(sample(before, "whisk_slow_client_queued_messages", {})).toBe(10);
    await stalled.readAll();
    // 0-4 filled its buffer, 5 found it full (suspected, still sent): slow from 6 on, of which
    // the queue kept the last 10 and dropped 44.
    expect(stalled.got("dropped")).toEqual([...range(0, SLOW_AFTER + 1), ...range(MESSAGES - 10, MESSAGES)]);
    const after = await metrics();
    expect(sample(after, "whisk_slow_client_dropped_total", { topic: "feed.dropped" })).toBe(MESSAGES - (SLOW_AFTER + 1) - 10);
    expect(sample(after, "whisk_slow_client_queued_messages", {})).toBe(0);
    expect(sample(after, "whisk_connected_sockets", {})).toBe(2);
    expect(after).toContain("process_cpu_user_seconds_total");
    expect(stalled.connected()).toBe(true);
  });

  it("keep-latest: the stalled reader gets what its buffer took, then only the last; the fast one gets all 60", async () => {
    const { stalled, fastGot, publish, metrics } = await gateway();
    await publish("latest", MESSAGES);
    expect(fastGot).toEqual(range(0, MESSAGES));
    await stalled.readAll();
    expect(stalled.got("latest")).toEqual([...range(0, SLOW_AFTER + 1), MESSAGES - 1]);
    expect(sample(await metrics(), "whisk_slow_client_replaced_total", { topic: "feed.latest" })).toBe(MESSAGES - (SLOW_AFTER + 1) - 1);
  });

  it("disconnect: the stalled reader is cut at the transport (its next poll finds no session, so it reconnects); the fast one gets all 60", async () => {
    const { stalled, fast, fastGot, publish, metrics } = await gateway();
    await publish("cut", MESSAGES);
    expect(fastGot).toEqual(range(0, MESSAGES));
    expect(stalled.connected()).toBe(false);
    const late = await stalled.readOnce();
    expect(late.status).toBe(400);
    expect(await late.json()).toMatchObject({ message: "Session ID unknown" });
    const text = await metrics();
    expect(sample(text, "whisk_slow_client_disconnects_total", { topic: "feed.cut", reason: "policy" })).toBe(1);
    expect(sample(text, "whisk_connected_sockets", {})).toBe(1);
    expect(fast.socket.connected).toBe(true);
  });

  it("without a policy: one broadcast, the stalled reader keeps everything until the watchdog cuts it, counted as max_buffered", async () => {
    const { stalled, fastGot, publish, metrics } = await gateway({ maxBufferedPackets: 40 });
    await publish("plain", 30);
    await stalled.readAll();
    expect(stalled.got("plain")).toEqual(range(0, 30));
    expect(sample(await metrics(), "whisk_slow_client_disconnects_total", { reason: "max_buffered" })).toBe(0);
    // Stalled again, past maxBufferedPackets: the watchdog (once a second) cuts it.
    await publish("plain", 50);
    await vi.waitFor(() => expect(stalled.connected()).toBe(false), { timeout: 3_000 });
    expect(sample(await metrics(), "whisk_slow_client_disconnects_total", { reason: "max_buffered" })).toBe(1);
    expect(fastGot).toHaveLength(30 + 50);
  });

  it("the app's server serves /metrics on its own port to WHISK_METRICS_TOKEN's bearers (Prometheus text), counting its sockets", async () => {
    const metricsToken = "it-metrics-token-it-metrics-token-0123";
    const server: ServerProcess = await startServerProcess({ env: { WHISK_NODE_ID: "it-metrics", WHISK_METRICS_TOKEN: metricsToken } });
    cleanups.push(() => server.stop());
    const { socket } = await connect(server.url, { token: (await requestToken(server.url)).token });
    cleanups.push(() => socket.close());
    const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(sample(text, "whisk_connected_sockets", { node: "it-metrics" })).toBe(1);
    for (const name of ["whisk_slow_client_dropped_total", "whisk_slow_client_replaced_total", "whisk_slow_client_disconnects_total"]) {
      expect(text).toContain(`# TYPE ${name} counter`);
    }
  });
});
