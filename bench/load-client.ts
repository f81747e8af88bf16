/**
 * A load generator, run as its own process so it does not share a CPU budget with the server
 * silently. Reads its job from argv[2] (JSON), prints one JSON line with its result.
 */
import { io, type Socket } from "socket.io-client";
import { percentile } from "../whisk/testing/percentile";

interface Job {
  kind: "handshake" | "rtt" | "hold" | "fanout";
  url: string;
  /** Whisk needs a ws_token per connection; bare socket.io does not. */
  whisk: boolean;
  count?: number;
  concurrency?: number;
  rate?: number;
  seconds?: number;
  room?: string;
}

const job = JSON.parse(process.argv[2] ?? "{}") as Job;

async function token(): Promise<string | undefined> {
  if (!job.whisk) return undefined;
  const response = await fetch(`${job.url}/api/ws-token`, { method: "POST", headers: { origin: job.url } });
  return ((await response.json()) as { token: string }).token;
}

async function open(): Promise<Socket> {
  const auth = job.whisk ? { token: await token() } : {};
  const socket = io(job.url, {
    path: "/whisk",
    transports: ["websocket"],
    auth,
    extraHeaders: { origin: job.url },
    reconnection: false,
    forceNew: true,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("whisk.welcome", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

async function handshakes() {
  const count = job.count ?? 200;
  const concurrency = job.concurrency ?? 10;
  const sockets: Socket[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        sockets.push(await open());
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const socket of sockets) socket.close();
  return { handshakes: count, seconds, perSecond: count / seconds };
}

async function roundTrips() {
  const sockets = await Promise.all(Array.from({ length: job.count ?? 10 }, () => open()));
  const rate = job.rate ?? 200;
  const seconds = job.seconds ?? 5;
  const latencies: number[] = [];
  let sent = 0;
  let errors = 0;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  // Open-loop: send on schedule whatever the answers do, so a slow server shows as latency.
  while (performance.now() - started < seconds * 1000) {
    const due = started + (sent * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const socket = sockets[sent % sockets.length] as Socket;
    const at = performance.now();
    sent += 1;
    pending.push(
      socket
        .timeout(10_000)
        .emitWithAck("world.say", { message: "bench" })
        .then(
          (ack: { status: string }) => {
            if (ack.status === "ok") latencies.push(performance.now() - at);
            else errors += 1;
          },
          () => {
            errors += 1;
          },
        ),
    );
  }
  await Promise.all(pending);
  for (const socket of sockets) socket.close();
  return { offered: rate, sent, answered: latencies.length, errors, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function hold() {
  const sockets: Socket[] = [];
  const count = job.count ?? 1000;
  for (let i = 0; i < count; i += job.concurrency ?? 50) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(job.concurrency ?? 50, count - i) }, () => open()))));
  }
  // Listen before telling the orchestrator, which answers "holding" with SIGTERM.
  const stopped = new Promise((resolve) => process.once("SIGTERM", resolve));
  process.stdout.write(`${JSON.stringify({ holding: sockets.length })}\n`);
  await stopped;
  for (const socket of sockets) socket.close();
  return { held: sockets.length };
}

/** Listeners in one room: each records how long every message took from the publisher's clock. */
async function fanout() {
  const sockets: Socket[] = [];
  const count = job.count ?? 1000;
  const room = job.room ?? "beach";
  let failedToOpen = 0;
  for (let i = 0; i < count; i += job.concurrency ?? 50) {
    const opened = await Promise.allSettled(Array.from({ length: Math.min(job.concurrency ?? 50, count - i) }, () => open()));
    for (const each of opened) {
      if (each.status === "fulfilled") sockets.push(each.value);
      else failedToOpen += 1;
    }
  }
  // rejoin: true enters quietly (no "entered" notice per listener). A listener that fails to
  // enter is counted, not fatal: the figure says how many listened.
  const entered = await Promise.allSettled(
    sockets.map((socket) => socket.timeout(60_000).emitWithAck("room.enter", { room, rejoin: true })),
  );
  const listening = sockets.filter((_, i) => entered[i]?.status === "fulfilled");
  const latencies: number[] = [];
  const expected = job.rate ?? 10;
  let received = 0;
  const done = new Promise<void>((resolve) => {
    for (const socket of listening) {
      socket.on("room.message", (message: { text: string }) => {
        latencies.push(Date.now() - Number(message.text));
        received += 1;
        if (received === expected * listening.length) resolve();
      });
    }
  });
  process.stdout.write(`${JSON.stringify({ ready: listening.length })}\n`);
  const timedOut = new Promise<void>((resolve) => setTimeout(resolve, (job.seconds ?? 30) * 1000));
  await Promise.race([done, timedOut]);
  for (const socket of sockets) socket.close();
  return {
    listeners: listening.length,
    failedToEnter: failedToOpen + sockets.length - listening.length,
    expected: expected * listening.length,
    received,
    latencies,
  };
}

const run = { handshake: handshakes, rtt: roundTrips, hold, fanout }[job.kind];
const result = await run();
process.stdout.write(`${JSON.stringify({ result, cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000 })}\n`);
process.exit(0);
