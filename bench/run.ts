/**
 * `npm run bench`: Whisk and a bare socket.io server doing the same jobs, one after the other on
 * this machine, with load from separate processes. Prints a table and writes bench/results.json
 * and docs/BENCHMARKS.md. `BENCH_SMOKE=1` runs a seconds-long version (used by `npm test`).
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { io, type Socket } from "socket.io-client";
import { percentile, type RedisClusterProcess, startRedisCluster } from "whisk/testing";
import { WebSocket } from "ws";
import { LoadProcess, runLoad } from "./load";
import { memberToken } from "./member-token";
import { cpuMs } from "./process-stats";
import { renderReport, renderTable } from "./report";

export { renderTable } from "./report";

import {
  type CrossNodeTargetName,
  longestStallMs,
  METRICS_TOKEN,
  type RedisPlace,
  readMonitor,
  startGatewayAlone,
  startGatewayPair,
  startMultiNode,
  startRawWs,
  startTarget,
  type Target,
  type TargetName,
} from "./targets";

export const sizesFor = (smoke: boolean) =>
  smoke
    ? {
        handshakes: 30,
        roundTrip: { rate: 50, seconds: 1 },
        rateSteps: [100, 200],
        memorySockets: [50],
        roomSteps: [25, 50],
        fanout: [25, 50],
        messagesPerStep: 3,
        burstSpeakers: 10,
        crossNode: { rate: 20, seconds: 1, senders: 2, settleMs: 0 },
        crossNodeRoom: { rate: 10, seconds: 1, senders: 2, settleMs: 0 },
        stormSockets: 50,
        // Seconds sooner than the default, for a test that runs in seconds.
        resumeTokenAfterMs: 1_000,
        pageLoads: 10,
        repeats: 1,
      }
    : {
        handshakes: 500,
        roundTrip: { rate: 500, seconds: 5 },
        rateSteps: [2_000, 4_000, 8_000, 12_000, 16_000, 20_000, 24_000],
        memorySockets: [1_000, 5_000, 10_000],
        roomSteps: [1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 8_000, 10_000],
        fanout: [1_000, 5_000],
        messagesPerStep: 10,
        burstSpeakers: 100,
        crossNode: { rate: 500, seconds: 5, senders: 50, settleMs: 5_000 },
        // Each room message reaches every sender too: 200/s to 21 sockets is 4,200 deliveries a second.
        crossNodeRoom: { rate: 200, seconds: 5, senders: 20, settleMs: 5_000 },
        stormSockets: 5_000,
        // The default: the storm starts once every socket holds the resume token it gets then.
        resumeTokenAfterMs: 10_000,
        pageLoads: 200,
        // The jobs whose ratios swing from run to run (memory, round trips, rooms) run this many
        // times on fresh servers, bare and Whisk in turns; the report gives the median and spread.
        repeats: 3,
      };
export type Sizes = ReturnType<typeof sizesFor>;

/** A rate is held when every request is answered and p99 stays under this. */
const HELD_P99_MS = 50;
/** One socket may send 20 events/s under Whisk's default limit: spread each rate over sockets at 10/s. */
const socketsFor = (rate: number) => Math.max(1, Math.ceil(rate / 10));
const progress = (what: string) => process.stderr.write(`bench: ${what}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measureHandshakes(target: Target, sizes: Sizes) {
  progress(`${target.name}: handshakes`);
  const cpu0 = cpuMs(target.pid);
  const run = await runLoad({
    kind: "handshake",
    url: target.url,
    whisk: target.name === "whisk",
    count: sizes.handshakes,
    concurrency: 10,
  });
  return { ...run.result, serverCpuMs: cpuMs(target.pid) - cpu0, clientCpuMs: run.cpuMs };
}

interface RoundTrips {
  offered: number;
  sent: number;
  answered: number;
  errors: number;
  p50: number;
  p99: number;
}

async function roundTripAt(target: Target, rate: number, seconds: number, event: string) {
  const cpu0 = cpuMs(target.pid);
  const job = { kind: "rtt", url: target.url, whisk: target.name === "whisk", count: socketsFor(rate), rate, seconds, event };
  const run = await runLoad(job);
  return { ...(run.result as unknown as RoundTrips), serverCpuMs: cpuMs(target.pid) - cpu0, clientCpuMs: run.cpuMs };
}

/** Offered rates of `world.ping` in steps; the highest one answered in full with p99 under HELD_P99_MS. */
async function measureHighestRate(target: Target, sizes: Sizes) {
  const steps: Record<string, unknown>[] = [];
  let held = 0;
  for (const rate of sizes.rateSteps) {
    progress(`${target.name}: round trips at ${rate}/s`);
    const step = await roundTripAt(target, rate, 3, "world.ping");
    steps.push(step);
    if (step.errors > 0 || step.answered < step.sent || step.p99 > HELD_P99_MS) break;
    held = rate;
  }
  return { held, steps };
}

/**
 * Memory per socket on a fresh server: after a warm-up (so lazily loaded code is not counted),
 * sockets are added up to each size and held; growth since the baseline, divided by the sockets
 * held. Every reading follows a full garbage collection, so it counts what the sockets hold, not
 * the garbage of their handshakes. At the largest size, one broadcast to everyone connected
 * (`world.say`): how long until every socket has it.
 */
async function measureMemory(target: Target, sizes: Sizes) {
  const whisk = target.name === "whisk";
  const url = target.gatewayUrl;
  const warmUp = new LoadProcess({ kind: "hold", url: target.url, gatewayUrl: url, whisk, count: 100, concurrency: 50 });
  await warmUp.next("holding");
  warmUp.child.kill("SIGTERM");
  await warmUp.done;
  await sleep(500);
  const baseline = await readMonitor(target.pid);
  const holders: LoadProcess[] = [];
  const memory: Record<string, unknown> = {};
  let held = 0;
  try {
    for (const sockets of sizes.memorySockets) {
      progress(`${target.name}${url ? " (gateway alone)" : ""}: memory with ${sockets} sockets`);
      const adding: LoadProcess[] = [];
      for (let wanted = sockets - held; wanted > 0; wanted -= LISTENERS_PER_PROCESS) {
        const count = Math.min(LISTENERS_PER_PROCESS, wanted);
        adding.push(new LoadProcess({ kind: "hold", url: target.url, gatewayUrl: url, whisk, count, concurrency: 50 }));
      }
      holders.push(...adding);
      for (const line of await Promise.all(adding.map((holder) => holder.next("holding")))) held += Number(line.holding);
      const now = await readMonitor(target.pid);
      if (!baseline || !now) throw new Error(`${target.name}: the server's memory monitor did not answer`);
      memory[String(sockets)] = {
        held,
        bytesPerSocket: Math.round((now.rss - baseline.rss) / held),
        heapBytesPerSocket: Math.round((now.heapUsed - baseline.heapUsed) / held),
        rssMb: Math.round(now.rss / 1e6),
        // V8 keeps heap it has grown into: the garbage of Whisk's token requests through Next.js
        // grows it more than bare socket.io's handshakes do, so resident memory outgrows the heap in use.
        heapReservedMb: Math.round(now.heapTotal / 1e6),
        heapUsedMb: Math.round(now.heapUsed / 1e6),
      };
    }
    memory.broadcast = await broadcastToAll(target, holders, held);
  } finally {
    for (const holder of holders) holder.child.kill("SIGTERM");
    await Promise.all(holders.map((holder) => holder.done));
  }
  await sleep(500);
  return memory;
}

/** One `world.say` to everyone the holders hold: the delivery latencies, and when the last one arrived. */
async function broadcastToAll(target: Target, holders: LoadProcess[], held: number) {
  progress(`${target.name}: a broadcast to all ${held} sockets`);
  const publisher = await openPublisher(target);
  try {
    await waitForQuiet([target.pid]);
    const reports = expectRound(holders, 1);
    await Promise.all(holders.map((holder) => holder.next("expecting")));
    const started = Date.now();
    await publisher.timeout(30_000).emitWithAck("world.say", { message: String(started) });
    return summarise(await reports, started, held);
  } finally {
    publisher.close();
  }
}

/** Listener processes of at most 1,000 sockets each, so no generator starves its own sockets. */
const LISTENERS_PER_PROCESS = 1_000;

interface RoundReport {
  listeners: number;
  expected: number;
  received: number;
  latencies: number[];
  lastAt: number;
}

/**
 * One room that grows in steps (Hashrocket's broadcast test): at each size, `messagesPerStep`
 * broadcasts; p95 of delivery is the figure. At the first step, a burst: many listeners speak at
 * once, and the server's longest event-loop stall is read. With `raw`, the fan-out steps alone,
 * against bench/raw-ws-server.ts (plain WebSockets, no burst).
 */
async function measureRoom(target: Target, sizes: Sizes, options: { raw?: boolean } = {}) {
  const { raw = false } = options;
  const whisk = target.name === "whisk";
  const room = "beach";
  const listeners: LoadProcess[] = [];
  const publisher = raw ? await openRawPublisher(target) : await openPublisher(target, room);
  const say = (text: string): Promise<unknown> => {
    if (!("emitWithAck" in publisher)) return Promise.resolve(publisher.send(JSON.stringify({ say: text })));
    return publisher.timeout(30_000).emitWithAck("room.send", { room, text });
  };
  const steps: Record<string, unknown>[] = [];
  let burst: Record<string, unknown> = {};
  try {
    let size = 0;
    for (const wanted of raw ? sizes.fanout : sizes.roomSteps) {
      const before = listeners.length;
      while (size < wanted) {
        const count = Math.min(LISTENERS_PER_PROCESS, wanted - size);
        listeners.push(new LoadProcess({ kind: "listen", url: target.url, whisk, count, room, raw }));
        size += count;
      }
      progress(`${raw ? "raw ws" : target.name}: room of ${size}`);
      const ready = await Promise.all(listeners.slice(before).map((listener) => listener.next("ready")));
      const failedToEnter = ready.reduce((sum, line) => sum + Number(line.failedToEnter), 0);

      // Joining leaves work behind in both servers and listeners (Whisk: presence snapshots);
      // measure the broadcasts, not that.
      await waitForQuiet([target.pid, ...listeners.map((listener) => listener.child.pid as number)]);
      const cpu0 = cpuMs(target.pid);
      const reports = expectRound(listeners, sizes.messagesPerStep);
      await Promise.all(listeners.map((listener) => listener.next("expecting")));
      const started = Date.now();
      // Sent on a fixed schedule, acks awaited after: bare socket.io acks only once its fan-out is
      // written, Whisk once it is queued, so awaiting each would pace the two differently.
      const acks: Promise<unknown>[] = [];
      for (let i = 0; i < sizes.messagesPerStep; i++) {
        acks.push(say(String(Date.now())));
        await sleep(100); // under the per-socket rate limit
      }
      await Promise.all(acks);
      const parts = await reports;
      const step = summarise(parts, started, size);
      steps.push({ ...step, failedToEnter, serverCpuMs: cpuMs(target.pid) - cpu0 });
      if (!burst.speakers && !raw) burst = await measureBurst(target, listeners, sizes.burstSpeakers);
      if (step.received < step.expected || step.p95 > 500) break;
    }
  } finally {
    publisher.close();
    for (const listener of listeners) listener.send({ stop: true });
    await Promise.all(listeners.map((listener) => listener.done));
  }
  const largestUnder = (ms: number) =>
    Math.max(0, ...steps.filter((step) => Number(step.p95) < ms && step.received === step.expected).map((step) => Number(step.listeners)));
  return { steps, burst, capacityUnder500ms: largestUnder(500), capacityUnder250ms: largestUnder(250) };
}

/** Waits (at most 15 s) until each process uses under `percent` of a core (a fifth by default). */
async function waitForQuiet(pids: number[], percent = 20) {
  const deadline = Date.now() + 15_000;
  let before = pids.map(cpuMs);
  while (Date.now() < deadline) {
    await sleep(500);
    const now = pids.map(cpuMs);
    if (now.every((ms, i) => ms - (before[i] ?? 0) < (500 * percent) / 100)) return;
    before = now;
  }
}

/** Asks every listener to count the next `messages` broadcasts; resolves with their reports. */
function expectRound(listeners: LoadProcess[], messages: number, timeoutMs = 30_000) {
  for (const listener of listeners) listener.send({ expect: messages, timeoutMs });
  return Promise.all(listeners.map(async (listener) => (await listener.next("report")).report as RoundReport));
}

function summarise(parts: RoundReport[], started: number, size: number) {
  const latencies = parts.flatMap((part) => part.latencies);
  const received = latencies.length;
  const lastAt = Math.max(...parts.map((part) => part.lastAt));
  return {
    listeners: parts.reduce((sum, part) => sum + part.listeners, 0),
    size,
    expected: parts.reduce((sum, part) => sum + part.expected, 0),
    received,
    deliveriesPerSecond: Math.round(received / (Math.max(1, lastAt - started) / 1000)),
    /** From the first send to the last delivery. */
    lastMs: lastAt - started,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
  };
}

/** `speakers` listeners say something at the same instant: how long the server's loop stalls. */
async function measureBurst(target: Target, listeners: LoadProcess[], speakers: number) {
  const [first] = listeners;
  if (!first) return {};
  progress(`${target.name}: burst of ${speakers} broadcasts`);
  await longestStallMs([target.pid]); // start a fresh window
  const reports = expectRound(listeners, speakers);
  await Promise.all(listeners.map((listener) => listener.next("expecting")));
  const started = Date.now();
  first.send({ say: speakers });
  const parts = await reports;
  // The monitor samples the loop every 10 ms (loop-monitor.mjs): a window shorter than that,
  // as a small burst's can be, may hold no sample at all and read as a stall of 0.
  await sleep(30);
  const stallMs = await longestStallMs([target.pid]);
  return {
    speakers,
    longestStallMs: stallMs,
    ...summarise(
      parts,
      started,
      parts.reduce((sum, part) => sum + part.listeners, 0),
    ),
  };
}

/** A plain WebSocket to bench/raw-ws-server.ts, to say things with. */
async function openRawPublisher(target: Target): Promise<WebSocket> {
  const socket = new WebSocket(`${target.url.replace(/^http/, "ws")}/raw`, { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  return socket;
}

/** A member's socket to say things with, in `room` if one is given. */
async function openPublisher(target: Target, room?: string): Promise<Socket> {
  const auth = target.name === "whisk" ? { token: await memberToken(target.url) } : {};
  const socket = io(target.gatewayUrl ?? target.url, {
    path: "/whisk",
    transports: ["websocket"],
    auth,
    extraHeaders: { origin: target.url },
    forceNew: true,
  });
  await new Promise((resolve) => socket.once("whisk.welcome", resolve));
  if (room) await socket.timeout(10_000).emitWithAck("room.join", { room, rejoin: true });
  return socket;
}

/** A Redis server's CPU time so far (INFO cpu), in ms, summed over a cluster's nodes. */
async function redisCpuMs(place: RedisPlace): Promise<number> {
  const addresses = "redisUrl" in place ? [place.redisUrl] : place.redisClusterNodes.split(",").map((node) => `redis://${node}`);
  let total = 0;
  for (const address of addresses) {
    const redis = new Redis(address);
    const info = await redis.info("cpu");
    redis.disconnect();
    for (const field of ["used_cpu_sys", "used_cpu_user"]) total += Number(new RegExp(`${field}:([\\d.]+)`).exec(info)?.[1] ?? 0) * 1000;
  }
  return Math.round(total);
}

/** Bus envelopes a Whisk gateway has received so far (every outcome of whisk_bus_envelopes_total). */
async function envelopesReceived(gatewayUrl: string): Promise<number> {
  const text = await (await fetch(`${gatewayUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  let total = 0;
  for (const line of text.split("\n"))
    if (line.startsWith("whisk_bus_envelopes_total{")) total += Number(line.slice(line.lastIndexOf(" ") + 1));
  return total;
}

/**
 * One cross-node job on three fresh gateways: senders on ws-1, the receiver on ws-2, nobody on
 * ws-3. CPU time of every server process, of ws-3 alone, and of Redis; for Whisk, the envelopes
 * each gateway received.
 */
export async function measureCrossNode(
  name: CrossNodeTargetName,
  redis: RedisPlace,
  event: "room.whisper" | "room.send",
  size: { rate: number; seconds: number; senders: number; settleMs: number },
) {
  progress(`${name}: cross-node ${event}${"redisClusterNodes" in redis ? " over a Redis Cluster" : ""}`);
  const nodes = await startMultiNode(name, redis);
  try {
    const job = {
      kind: "crossNode",
      url: nodes.url,
      senderUrl: nodes.senderUrl,
      receiverUrl: nodes.receiverUrl,
      whisk: name === "whisk",
      count: size.senders,
      rate: size.rate,
      event,
      // One member per socket: a whisper's copy to its sender reaches one socket, as bare's does.
      socketsPerMember: 1,
    };
    // A second first, not measured: processes just started compile their hot paths on it.
    const warmUp = new LoadProcess({ ...job, seconds: 1 });
    await warmUp.next("ready");
    warmUp.send({ go: true });
    await warmUp.next("delivered");
    warmUp.send({ go: true });
    await warmUp.done;
    // Signing in and connecting is the handshake job's to measure: the clocks start once everyone
    // is in and the servers are quiet.
    const load = new LoadProcess({ ...job, seconds: size.seconds });
    await load.next("ready");
    // Processes just started go on compiling and collecting garbage for seconds after they seem
    // quiet (CPU profiles of idle gateways show it): that is not the job's cost, for either server.
    await waitForQuiet(nodes.pids, 3);
    await sleep(size.settleMs);
    const gateways = Object.entries(nodes.gateways);
    const envelopes0 = await Promise.all(gateways.map(([, url]) => envelopesReceived(url)));
    const [cpu0, idle0, redis0] = [nodes.pids.map(cpuMs), cpuMs(nodes.idlePid), await redisCpuMs(redis)];
    load.send({ go: true });
    await load.next("delivered");
    // Gateways first (sender's, receiver's, idle), then Whisk's web node and worker.
    const serverCpuMsByProcess = nodes.pids.map((pid, i) => cpuMs(pid) - (cpu0[i] ?? 0));
    const serverCpuMs = serverCpuMsByProcess.reduce((sum, ms) => sum + ms, 0);
    const [idle, redisCpu] = [cpuMs(nodes.idlePid) - idle0, (await redisCpuMs(redis)) - redis0];
    const envelopes = await Promise.all(gateways.map(([, url]) => envelopesReceived(url)));
    load.send({ go: true });
    const run = await load.done;
    return {
      ...run.result,
      serverCpuMs,
      serverCpuMsByProcess,
      idleGatewayCpuMs: idle,
      redisCpuMs: redisCpu,
      clientCpuMs: run.cpuMs,
      ...(gateways.length > 0
        ? { envelopesPerGateway: Object.fromEntries(gateways.map(([node], i) => [node, (envelopes[i] ?? 0) - (envelopes0[i] ?? 0)])) }
        : {}),
    };
  } finally {
    await nodes.stop();
  }
}

/**
 * A reconnect storm: `stormSockets` sockets on one gateway, which is killed (SIGKILL); every
 * socket comes back on the other at once. Whisk's with the resume token each holds (the load
 * waits until each has one), so the web tier is not asked; bare socket.io's with nothing to show.
 * Milliseconds from the kill until the last socket is welcomed again, with the CPU it cost the gateway
 * that takes them and (Whisk) the web node.
 */
export async function measureStorm(name: TargetName, sizes: Sizes) {
  progress(`${name}: reconnect storm of ${sizes.stormSockets} sockets`);
  const pair = await startGatewayPair(name, sizes.resumeTokenAfterMs);
  const clients: LoadProcess[] = [];
  try {
    for (let placed = 0; placed < sizes.stormSockets; placed += LISTENERS_PER_PROCESS) {
      const count = Math.min(LISTENERS_PER_PROCESS, sizes.stormSockets - placed);
      const job = {
        kind: "storm",
        url: pair.url,
        gatewayUrl: pair.dyingUrl,
        fallbackUrl: pair.fallbackUrl,
        whisk: name === "whisk",
        count,
      };
      clients.push(new LoadProcess(job));
    }
    await Promise.all(clients.map((client) => client.next("armed")));
    const watched = [pair.fallbackPid, ...(pair.webPid ? [pair.webPid] : [])];
    await waitForQuiet(watched);
    const [fallback0, web0] = watched.map(cpuMs);
    const killedAt = Date.now();
    pair.kill();
    const back = await Promise.all(clients.map((client) => client.next("back")));
    const sum = (key: string) => back.reduce((total, line) => total + Number(line[key]), 0);
    const figures = {
      sockets: sum("back"),
      ms: Math.max(...back.map((line) => Number(line.lastAt))) - killedAt,
      tokenRequests: sum("tokenRequests"),
      retries: sum("retries"),
      fallbackGatewayCpuMs: cpuMs(pair.fallbackPid) - (fallback0 ?? 0),
      ...(pair.webPid ? { webCpuMs: cpuMs(pair.webPid) - (web0 ?? 0) } : {}),
    };
    for (const client of clients) client.send({ stop: true });
    await Promise.all(clients.map((client) => client.done));
    return figures;
  } finally {
    for (const client of clients) client.child.kill("SIGTERM");
    await pair.stop();
  }
}

/** Time to connected for a page load (Whisk: page, its token, the socket; bare: the socket alone). */
async function measurePageLoads(target: Target, sizes: Sizes) {
  progress(`${target.name}: page loads`);
  const cpu0 = cpuMs(target.pid);
  const run = await runLoad({ kind: "pageLoad", url: target.url, whisk: target.name === "whisk", count: sizes.pageLoads, concurrency: 5 });
  return { ...run.result, serverCpuMs: cpuMs(target.pid) - cpu0, clientCpuMs: run.cpuMs };
}

/**
 * One round of the single-process jobs on a fresh server: memory, round trips and the room (the
 * figures that swing from run to run) every round; handshakes, page loads and the highest rate
 * held (which vary little) in the first round only, as `once`.
 */
async function measureRound(name: TargetName, sizes: Sizes, firstRound: boolean) {
  const target = await startTarget(name);
  const run: Record<string, unknown> = {};
  const once: Record<string, unknown> = {};
  try {
    run.memory = await measureMemory(target, sizes);
    if (firstRound) {
      once.handshakes = await measureHandshakes(target, sizes);
      once.pageLoad = await measurePageLoads(target, sizes);
    }
    progress(`${name}: round trips`);
    run.roundTrip = await roundTripAt(target, sizes.roundTrip.rate, sizes.roundTrip.seconds, "world.say");
    run.pingRoundTrip = await roundTripAt(target, sizes.roundTrip.rate, sizes.roundTrip.seconds, "world.ping");
    if (firstRound) once.highestRate = await measureHighestRate(target, sizes);
    run.room = await measureRoom(target, sizes);
  } finally {
    await target.stop();
  }
  // Bare socket.io is one process already: its gateway alone is the server above.
  run.gatewayMemory = name === "whisk" ? await measureGatewayAlone(sizes) : run.memory;
  return { run, once };
}

/** Memory per socket of Whisk's gateway as a process of its own (`WHISK_ROLE=ws`, no Next.js in it). */
async function measureGatewayAlone(sizes: Sizes) {
  const gateway = await startGatewayAlone();
  try {
    return await measureMemory(gateway, sizes);
  } finally {
    await gateway.stop();
  }
}

/**
 * `sizes.repeats` rounds of bare socket.io's and Whisk's single-process jobs, taken in turns
 * (bare's, then Whisk's; again), so a machine that slows down over minutes weighs on each alike.
 * Every round's figures are kept in `runs`; the report gives their median and spread.
 */
async function measureRounds(sizes: Sizes) {
  const figures: Record<TargetName, Record<string, unknown> & { runs: Record<string, unknown>[] }> = {
    bare: { runs: [] },
    whisk: { runs: [] },
  };
  for (let round = 0; round < sizes.repeats; round++) {
    for (const name of ["bare", "whisk"] as const) {
      const { run, once } = await measureRound(name, sizes, round === 0);
      Object.assign(figures[name], once);
      figures[name].runs.push(run);
    }
  }
  return figures;
}

/** The fan-out steps against the raw `ws` server: the practical limit of this machine. */
async function measureRawLimit(sizes: Sizes) {
  const target = await startRawWs();
  try {
    return await measureRoom(target, sizes, { raw: true });
  } finally {
    await target.stop();
  }
}

type CrossNodeJob = [figure: string, target: CrossNodeTargetName, redis: RedisPlace, event: "room.whisper" | "room.send"];

/**
 * The cross-node jobs of both servers, taken in turns (bare's, then Whisk's; again), so a
 * machine that slows down over minutes weighs on each alike. Each whisper job runs `repeats`
 * times on fresh processes; its figures are those of the run with the median server CPU, and
 * every run's CPU is kept beside them (one run swings by a fifth on this kind of machine).
 */
async function measureCrossNodeJobs(sizes: Sizes, redisCluster: RedisClusterProcess, repeats: number) {
  const oneRedis = { redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" };
  // Sharded pub/sub is the only pub/sub a Redis Cluster spreads over its shards: bare's sharded adapter.
  const overCluster = { redisClusterNodes: redisCluster.nodes };
  const whisperJobs: Record<TargetName, CrossNodeJob[]> = {
    bare: [
      ["crossNode", "bare", oneRedis, "room.whisper"],
      ["crossNodeSharded", "bare-sharded", oneRedis, "room.whisper"],
      ["crossNodeOnRedisCluster", "bare-sharded", overCluster, "room.whisper"],
    ],
    whisk: [
      ["crossNode", "whisk", oneRedis, "room.whisper"],
      ["crossNodeOnRedisCluster", "whisk", overCluster, "room.whisper"],
    ],
  };
  type Run = Awaited<ReturnType<typeof measureCrossNode>>;
  const runs: Record<TargetName, Record<string, Run[]>> = { bare: {}, whisk: {} };
  for (let round = 0; round < repeats; round++) {
    for (const name of ["bare", "whisk"] as const) {
      for (const [figure, target, redis, event] of whisperJobs[name]) {
        runs[name][figure] ??= [];
        runs[name][figure].push(await measureCrossNode(target, redis, event, sizes.crossNode));
      }
    }
  }
  const median = (list: Run[]) => {
    const sorted = [...list].sort((a, b) => a.serverCpuMs - b.serverCpuMs);
    return { ...(sorted[Math.floor(sorted.length / 2)] as Run), serverCpuMsRuns: list.map((run) => run.serverCpuMs) };
  };
  const figures: Record<TargetName, Record<string, unknown>> = { bare: {}, whisk: {} };
  for (const name of ["bare", "whisk"] as const) {
    for (const [figure, list] of Object.entries(runs[name])) figures[name][figure] = median(list);
    figures[name].crossNodeRoom = await measureCrossNode(name, oneRedis, "room.send", sizes.crossNodeRoom);
  }
  return figures;
}

export async function runBenchmarks(options: { smoke?: boolean } = {}) {
  const smoke = options.smoke ?? process.env.BENCH_SMOKE === "1";
  const results: Record<string, unknown> = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 1e9), node: process.version },
    when: new Date().toISOString(),
    smoke,
  };
  const sizes = sizesFor(smoke);
  const figures = await measureRounds(sizes);
  results.raw = { room: await measureRawLimit(sizes) };
  for (const name of ["bare", "whisk"] as const) figures[name].storm = await measureStorm(name, sizes);
  const redisCluster = await startRedisCluster();
  try {
    const crossNode = await measureCrossNodeJobs(sizes, redisCluster, smoke ? 1 : 5);
    for (const name of ["bare", "whisk"] as const) results[name] = { ...figures[name], ...crossNode[name] };
  } finally {
    await redisCluster.stop();
  }
  return results;
}

if (process.argv[1] === import.meta.filename) {
  const started = Date.now();
  const results = await runBenchmarks();
  results.seconds = Math.round((Date.now() - started) / 1000);
  console.log(renderTable(results));
  if (!results.smoke) {
    const resultsFile = join(import.meta.dirname, "results.json");
    writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    const report = join(import.meta.dirname, "..", "docs", "BENCHMARKS.md");
    writeFileSync(report, renderReport(results));
    // Biome lays out Markdown tables and short JSON arrays its own way; the lint step would refuse both files otherwise.
    execFileSync(join(import.meta.dirname, "..", "node_modules", ".bin", "biome"), ["format", "--write", resultsFile, report], {
      stdio: "ignore",
    });
  }
}
