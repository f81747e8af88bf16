/**
 * `npm run bench`: Whisk and a bare socket.io server doing the same jobs, one after the other on
 * this machine, with load from separate processes. Prints a table and writes bench/results.json
 * and docs/BENCHMARKS.md. `BENCH_SMOKE=1` runs a seconds-long version (used by `npm test`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { io } from "socket.io-client";
import { freePort } from "../whisk/testing/free-port";
import { percentile } from "../whisk/testing/percentile";
import { startServerProcess } from "../whisk/testing/server-process";
import { cpuMs, residentBytes } from "./process-stats";

const sizesFor = (smoke: boolean) =>
  smoke
    ? { handshakes: 30, rttRate: 50, rttSeconds: 1, memorySockets: [50], fanout: [50], fanoutMessages: 3 }
    : { handshakes: 500, rttRate: 500, rttSeconds: 5, memorySockets: [1000, 5000], fanout: [1000, 5000], fanoutMessages: 10 };
type Sizes = ReturnType<typeof sizesFor>;
const here = import.meta.dirname;
const root = join(here, "..");

interface Target {
  name: "whisk" | "bare";
  url: string;
  pid: number;
  stop(): Promise<unknown>;
}

async function startTarget(name: Target["name"]): Promise<Target> {
  if (name === "whisk") {
    const server = await startServerProcess({ cwd: root, env: { WHISK_NODE_ID: "bench", LOG_LEVEL: "warn" } });
    return { name, url: server.url, pid: server.child.pid as number, stop: () => server.stop() };
  }
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", join(here, "bare-server.ts")], {
    env: { ...process.env, PORT: String(port) },
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { name, url, pid: child.pid as number, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(null);
    child.once("exit", resolve);
    child.kill("SIGTERM");
  });
}

/** Runs a load-client job in its own process; resolves with its result and CPU time. */
function load(job: Record<string, unknown>, onLine?: (line: Record<string, unknown>, child: ChildProcess) => void) {
  const child = spawn(process.execPath, ["--import", "tsx", join(here, "load-client.ts"), JSON.stringify(job)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let buffer = "";
  return {
    child,
    done: new Promise<{ result: Record<string, number>; cpuMs: number }>((resolve, reject) => {
      child.stdout?.on("data", (chunk) => {
        buffer += chunk;
        let newline = buffer.indexOf("\n");
        while (newline >= 0) {
          const line = JSON.parse(buffer.slice(0, newline)) as Record<string, unknown>;
          buffer = buffer.slice(newline + 1);
          if ("result" in line) resolve(line as { result: Record<string, number>; cpuMs: number });
          else onLine?.(line, child);
          newline = buffer.indexOf("\n");
        }
      });
      child.once(
        "exit",
        (code, signal) => code !== 0 && reject(new Error(`load client (${String(job.kind)}) exited with ${code ?? signal}`)),
      );
    }),
  };
}

interface FanoutPart {
  listeners: number;
  failedToEnter: number;
  expected: number;
  received: number;
  latencies: number[];
}

const progress = (what: string) => process.stderr.write(`bench: ${what}\n`);

async function measure(target: Target, SIZES: Sizes) {
  const whisk = target.name === "whisk";
  const figures: Record<string, unknown> = {};

  progress(`${target.name}: handshakes`);
  const serverCpu0 = cpuMs(target.pid);
  const handshake = await load({ kind: "handshake", url: target.url, whisk, count: SIZES.handshakes, concurrency: 10 }).done;
  figures.handshakes = { perSecond: handshake.result.perSecond, serverCpuMs: cpuMs(target.pid) - serverCpu0, clientCpuMs: handshake.cpuMs };

  // One socket may send 20 events/s under Whisk's default rate limit: spread the rate over sockets.
  const rttSockets = Math.max(1, Math.ceil(SIZES.rttRate / 10));
  progress(`${target.name}: round trips`);
  const rttCpu0 = cpuMs(target.pid);
  const rtt = await load({ kind: "rtt", url: target.url, whisk, count: rttSockets, rate: SIZES.rttRate, seconds: SIZES.rttSeconds }).done;
  figures.roundTrip = { ...rtt.result, serverCpuMs: cpuMs(target.pid) - rttCpu0, clientCpuMs: rtt.cpuMs };

  const memory: Record<string, unknown> = {};
  for (const sockets of SIZES.memorySockets) {
    progress(`${target.name}: memory with ${sockets} sockets`);
    const before = residentBytes(target.pid);
    const holder = load({ kind: "hold", url: target.url, whisk, count: sockets, concurrency: 50 }, (line, child) => {
      if ("holding" in line) {
        const after = residentBytes(target.pid);
        memory[String(sockets)] = { bytesPerSocket: Math.round((after - before) / sockets), rssMb: Math.round(after / 1e6) };
        child.kill("SIGTERM");
      }
    });
    await holder.done;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  figures.memory = memory;

  const fanout: Record<string, unknown> = {};
  for (const [index, listeners] of SIZES.fanout.entries()) {
    // One of the demo's rooms (Whisk validates the room id), a fresh one for each size.
    const room = ["beach", "orbit", "dog-park"][index] ?? "room";
    // At most 1,000 listeners per load process, so no generator starves its own sockets.
    const shares = Array.from({ length: Math.ceil(listeners / 1_000) }, (_, i) => Math.min(1_000, listeners - i * 1_000));
    let readyCount = 0;
    let allReady: () => void = () => {};
    const isReady = new Promise<void>((resolve) => {
      allReady = resolve;
    });
    const runs = shares.map((count) =>
      // Listener processes open their sockets 10 at a time each, so handshakes do not pile up.
      load({ kind: "fanout", url: target.url, whisk, count, concurrency: 10, room, rate: SIZES.fanoutMessages, seconds: 120 }, (line) => {
        if ("ready" in line && ++readyCount === shares.length) allReady();
      }),
    );
    await isReady;
    progress(`${target.name}: fan-out to ${listeners}`);
    const publisher = await openPublisher(target, room);
    const cpu0 = cpuMs(target.pid);
    const started = Date.now();
    for (let i = 0; i < SIZES.fanoutMessages; i++) {
      await publisher.timeout(30_000).emitWithAck("room.say", { room, text: String(Date.now()) });
      await new Promise((resolve) => setTimeout(resolve, 100)); // under the per-socket rate limit
    }
    const parts = (await Promise.all(runs.map((run) => run.done))).map((part) => part.result as unknown as FanoutPart);
    const seconds = (Date.now() - started) / 1000;
    publisher.close();
    const latencies = parts.flatMap((part) => part.latencies);
    const received = parts.reduce((sum, part) => sum + part.received, 0);
    const result = {
      listeners: parts.reduce((sum, part) => sum + part.listeners, 0),
      failedToEnter: parts.reduce((sum, part) => sum + part.failedToEnter, 0),
      expected: parts.reduce((sum, part) => sum + part.expected, 0),
      received,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      serverCpuMs: cpuMs(target.pid) - cpu0,
    };
    fanout[String(listeners)] = { ...result, deliveriesPerSecond: Math.round(received / seconds) };
  }
  figures.fanout = fanout;
  return figures;
}

async function openPublisher(target: Target, room: string) {
  const auth =
    target.name === "whisk"
      ? {
          token: (
            (await (await fetch(`${target.url}/api/ws-token`, { method: "POST", headers: { origin: target.url } })).json()) as {
              token: string;
            }
          ).token,
        }
      : {};
  const socket = io(target.url, { path: "/whisk", transports: ["websocket"], auth, extraHeaders: { origin: target.url }, forceNew: true });
  await new Promise((resolve) => socket.once("whisk.welcome", resolve));
  await socket.timeout(10_000).emitWithAck("room.enter", { room, rejoin: true });
  return socket;
}

export async function runBenchmarks(options: { smoke?: boolean } = {}) {
  const smoke = options.smoke ?? process.env.BENCH_SMOKE === "1";
  const results: Record<string, unknown> = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 1e9), node: process.version },
    when: new Date().toISOString(),
    smoke,
  };
  for (const name of ["bare", "whisk"] as const) {
    const target = await startTarget(name);
    try {
      results[name] = await measure(target, sizesFor(smoke));
    } finally {
      await target.stop();
    }
  }
  return results;
}

type Figures = Record<string, Record<string, Record<string, number>> | Record<string, number>>;

/** The Markdown table of docs/BENCHMARKS.md: each figure for bare and Whisk, and Whisk's ratio. */
export function renderTable(results: Record<string, unknown>): string {
  const SIZES = sizesFor(results.smoke === true);
  const bare = results.bare as Figures;
  const whisk = results.whisk as Figures;
  const pick = (figures: Figures, path: string[]) =>
    path.reduce<unknown>((value, key) => (value as Record<string, unknown>)?.[key], figures) as number;
  const rows: [string, string[], "higher" | "lower"][] = [
    ["handshakes per second (Whisk: token issue + consumption)", ["handshakes", "perSecond"], "higher"],
    [`route round trip p50, ms (at ${SIZES.rttRate}/s offered)`, ["roundTrip", "p50"], "lower"],
    [`route round trip p99, ms (at ${SIZES.rttRate}/s offered)`, ["roundTrip", "p99"], "lower"],
    ...SIZES.memorySockets.map(
      (n) => [`memory per socket, bytes (${n} sockets)`, ["memory", String(n), "bytesPerSocket"], "lower"] as [string, string[], "lower"],
    ),
    ...SIZES.fanout.flatMap(
      (n) =>
        [
          [`fan-out to a room of ${n}: deliveries per second`, ["fanout", String(n), "deliveriesPerSecond"], "higher"],
          [`fan-out to a room of ${n}: p50 delivery, ms`, ["fanout", String(n), "p50"], "lower"],
          [`fan-out to a room of ${n}: p99 delivery, ms`, ["fanout", String(n), "p99"], "lower"],
        ] as [string, string[], "higher" | "lower"][],
    ),
  ];
  const format = (value: number) =>
    Number.isFinite(value) ? (value >= 100 ? Math.round(value).toLocaleString("en") : value.toFixed(1)) : "n/a";
  const lines = ["| figure | bare socket.io | Whisk | Whisk / bare |", "| --- | ---: | ---: | ---: |"];
  for (const [label, path, better] of rows) {
    const b = pick(bare, path);
    const w = pick(whisk, path);
    const ratio = better === "higher" ? w / b : b / w;
    lines.push(`| ${label} | ${format(b)} | ${format(w)} | ${Number.isFinite(ratio) ? ratio.toFixed(2) : "n/a"} |`);
  }
  return lines.join("\n");
}

if (process.argv[1] === import.meta.filename) {
  const results = await runBenchmarks();
  console.log(JSON.stringify(results, null, 2));
  console.log(renderTable(results));
  if (!results.smoke) {
    writeFileSync(join(here, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
    const machine = results.machine as { cpus: number; model: string; memoryGb: number; node: string };
    writeFileSync(
      join(root, "docs", "BENCHMARKS.md"),
      `# Benchmarks: Whisk against bare socket.io\n\nMade by \`npm run bench\` (production build, loopback, load from separate processes) on ${machine.cpus} × ${machine.model}, ${machine.memoryGb} GB, Node ${machine.node}, ${results.when}. The ratio is Whisk's share of bare socket.io's figure (1.00 = as good; above 1 = better).\n\n${renderTable(results)}\n\nThe raw figures, with the CPU time of server and load generator for each, are in \`bench/results.json\`.\n`,
    );
  }
}
