/**
 * Nothing lost in a Redis blip: room messages are in their history stream before they are
 * published, so a gateway whose bus subscription was down fills the gap from there once it is
 * back. Each test runs the real server process on a private redis-server (never the shared one).
 */
import { randomUUID } from "node:crypto";
import { type Cluster, Redis } from "ioredis";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Bus, RedisTransport } from "whisk/bus";
import { RedisHistoryStore } from "whisk/history";
import {
  connectTestRedisCluster,
  type RedisClusterProcess,
  type RedisServerProcess,
  type ServerProcess,
  startRedisCluster,
  startRedisServer,
  startServerProcess,
} from "whisk/testing";
import { chatRooms } from "@/server/chat-rooms";
import { type Connected, connect, metricValue, request, requestMemberToken } from "./clients";
import { restartRedisUnderTraffic } from "./redis-restart-under-traffic";

const METRICS_TOKEN = "bus-gap-metrics-token-0123456789abcdef";
const ROOM = "orbit" as const;

let redis: RedisServerProcess | undefined;
let cluster: RedisClusterProcess | undefined;
let server: ServerProcess | undefined;
const open: Connected[] = [];
const connections: (Redis | Cluster)[] = [];

afterEach(async () => {
  for (const client of open.splice(0)) client.socket.close();
  for (const connection of connections.splice(0)) connection.disconnect();
  await server?.stop();
  server = undefined;
  await redis?.kill();
  redis = undefined;
  await cluster?.stop();
  cluster = undefined;
});

async function memberInRoom(url: string, name: string): Promise<Connected & { heard: string[] }> {
  const client = await connect(url, { token: (await requestMemberToken(url, name)).token });
  open.push(client);
  const heard: string[] = [];
  client.socket.on("room.message", (message: { text: string; notice?: string }) => {
    if (!message.notice) heard.push(message.text);
  });
  const entered = await request(client.socket, "room.join", { room: ROOM });
  if (entered.status !== "ok") throw new Error(`${name} could not enter the room`);
  return { ...client, heard };
}

/** How often each text was heard, and whether the first hearings came in the order sent. */
function tally(sent: readonly string[], heard: readonly string[]) {
  const missing = sent.filter((text) => !heard.includes(text));
  const duplicates = heard.length - new Set(heard).size;
  const firstHearings = heard.filter((text, i) => heard.indexOf(text) === i && sent.includes(text));
  const inOrder = firstHearings.every((text, i) => i === 0 || sent.indexOf(text) > sent.indexOf(firstHearings[i - 1] as string));
  return { missing, duplicates, inOrder };
}

/** Where the gateway's bus connections are, and how to cut them. */
interface GapSetup {
  serverEnv: Record<string, string>;
  /** For the chat worker's two steps, done from outside the server. */
  publisherConnection: Redis | Cluster;
  /** Redis clients the gateway's bus subscriptions can be found on (every master of a cluster). */
  admins: Redis[];
  /** The gateway's subscriber connections, as CLIENT LIST names them. */
  subscriberName: RegExp;
}

/**
 * 600 room messages from outside the server, with the gateway's bus subscriptions closed from
 * Redis's side (as a network cut would) three times: the listener must hear every one once, in order.
 */
async function throughThreeCuts(setup: GapSetup, label: string) {
  server = await startServerProcess({ env: { ...setup.serverEnv, WHISK_METRICS_TOKEN: METRICS_TOKEN } });
  const listener = await memberInRoom(server.url, "Listener");
  const bus = new Bus(new RedisTransport({ redis: setup.publisherConnection, consumerName: "publisher" }), "publisher");
  const history = new RedisHistoryStore(setup.publisherConnection);
  const say = async (text: string) => {
    await chatRooms.publish({ bus, history }, ROOM, { id: randomUUID(), author: { id: "u-pub", name: "Publisher" }, text, at: Date.now() });
  };
  /** Closes the gateway's subscriber connections (once they are back from the last cut). */
  const cutTheGatewaysSubscriptions = async () => {
    let found: { admin: Redis; id: string }[] = [];
    await vi.waitFor(
      async () => {
        found = [];
        for (const admin of setup.admins) {
          const clients = String(await admin.call("CLIENT", "LIST", "TYPE", "pubsub"));
          for (const line of clients.split("\n")) {
            const id = /\bid=(\d+) /.exec(line)?.[1];
            if (id && setup.subscriberName.test(/\bname=(\S*)/.exec(line)?.[1] ?? "")) found.push({ admin, id });
          }
        }
        expect(found.length).toBeGreaterThan(0);
      },
      { timeout: 10_000, interval: 5 },
    );
    for (const { admin, id } of found) await admin.call("CLIENT", "KILL", "ID", id);
  };

  const sent: string[] = [];
  const resubscriptionsBefore = await metricValue(server.url, METRICS_TOKEN, "whisk_bus_resubscriptions_total");
  for (let i = 0; i < 600; i++) {
    if (i === 150 || i === 300 || i === 450) await cutTheGatewaysSubscriptions();
    const text = `m${i}`;
    sent.push(text);
    await say(text);
  }
  await vi.waitFor(() => expect(listener.heard.length).toBeGreaterThanOrEqual(sent.length), { timeout: 15_000, interval: 50 });
  // Anything delivered twice would come right behind.
  await new Promise((resolve) => setTimeout(resolve, 300));

  const filled = await metricValue(server.url, METRICS_TOKEN, "whisk_bus_gap_filled_total");
  const resubscriptions = (await metricValue(server.url, METRICS_TOKEN, "whisk_bus_resubscriptions_total")) - resubscriptionsBefore;
  const skipped = await metricValue(server.url, METRICS_TOKEN, "whisk_bus_envelopes_total", { outcome: "filled_before" });
  const { missing, duplicates, inOrder } = tally(sent, listener.heard);
  console.log(
    `bus gap (${label}): 600 room messages, the gateway's subscriptions cut 3 times -> ${resubscriptions} resubscriptions, ` +
      `${filled} messages filled from history (lost without it), ${skipped} live copies of filled ones dropped; ` +
      `missing ${missing.length}, duplicates ${duplicates}, in order ${inOrder}`,
  );
  // One per cut on one Redis; on a Redis Cluster, ioredis may rebuild the shards' subscribers one at
  // a time and say so for each (every one fills the gap again, and the fill drops what it already gave).
  expect(resubscriptions).toBeGreaterThanOrEqual(3);
  expect(resubscriptions).toBeLessThanOrEqual(3 * setup.admins.length);
  // The cuts did open gaps: without the fill these would be lost.
  expect(filled).toBeGreaterThan(0);
  expect(missing).toEqual([]);
  expect(duplicates).toBe(0);
  expect(inOrder).toBe(true);
}

describe("a bus gap", () => {
  it("a gateway whose bus connection is cut three times in a burst delivers every room message once, in order, from history", async () => {
    redis = await startRedisServer();
    const publisherConnection = new Redis(redis.url);
    const admin = new Redis(redis.url);
    connections.push(publisherConnection, admin);
    await throughThreeCuts(
      { serverEnv: { REDIS_URL: redis.url, WHISK_NODE_ID: "it-gap" }, publisherConnection, admins: [admin], subscriberName: /^it-gap$/ },
      "one Redis",
    );
  }, 60_000);

  it("on a Redis Cluster, a gateway whose shard subscriptions are cut three times delivers every room message once, in order", async () => {
    cluster = await startRedisCluster();
    const publisherConnection = (await connectTestRedisCluster(cluster.nodes)).redis;
    const admins = cluster.ports.map((port) => new Redis(`redis://127.0.0.1:${port}`));
    connections.push(publisherConnection, ...admins);
    await throughThreeCuts(
      {
        serverEnv: { REDIS_CLUSTER_NODES: cluster.nodes, WHISK_NODE_ID: "it-gap-cluster" },
        publisherConnection,
        admins,
        // ioredis names each shard's subscriber connection after the node's own name.
        subscriberName: /^ioredis-cluster\(ssubscriber\):it-gap-cluster$/,
      },
      "Redis Cluster",
    );
  }, 90_000);

  it("Redis restarted with its data under chat traffic: every acknowledged room message reaches the room once, in order", async () => {
    redis = await startRedisServer({ persistent: true });
    server = await startServerProcess({ env: { REDIS_URL: redis.url, WHISK_NODE_ID: "it-blip", WHISK_METRICS_TOKEN: METRICS_TOKEN } });
    const url = server.url;
    const sender = await memberInRoom(url, "Sender");
    const listener = await memberInRoom(url, "Listener");

    const outcomes = new Map<string, "ok" | "error" | "no answer">();
    const { sent, readyAfterMs: readyAfter } = await restartRedisUnderTraffic(redis, url, (text) => {
      outcomes.set(text, "no answer");
      sender.socket.timeout(15_000).emit("room.send", { room: ROOM, text }, (error: Error | null, ack?: { status: string }) => {
        outcomes.set(text, error ? "no answer" : ack?.status === "ok" ? "ok" : "error");
      });
    });
    await vi.waitFor(() => expect([...outcomes.values()].filter((outcome) => outcome === "no answer")).toEqual([]), {
      timeout: 20_000,
      interval: 100,
    });
    const accepted = sent.filter(({ text }) => outcomes.get(text) === "ok").map(({ text }) => text);
    await vi.waitFor(() => expect(accepted.filter((text) => !listener.heard.includes(text))).toEqual([]), {
      timeout: 15_000,
      interval: 100,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const { missing, duplicates, inOrder } = tally(accepted, listener.heard);
    const refused = sent.length - accepted.length;
    const during = sent.filter((message) => message.phase === "during").length;
    const filled = await metricValue(url, METRICS_TOKEN, "whisk_bus_gap_filled_total");
    console.log(
      `redis restart (data kept) under chat traffic: ${sent.length} room messages at 10/s, ${during} sent during the 1.5 s outage; ` +
        `ready ${readyAfter} ms after Redis returned; accepted ${accepted.length}, refused to the sender ${refused}; ` +
        `${filled} filled from history; lost ${missing.length}, duplicates ${duplicates}, in order ${inOrder}`,
    );
    expect(accepted.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
    expect(duplicates).toBe(0);
    expect(inOrder).toBe(true);
    expect(server.child.exitCode).toBeNull();
  }, 90_000);
});
