/** The benchmark's tables: each figure for bare socket.io and Whisk, and Whisk's ratio. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sizesFor } from "./run";

type Figures = Record<string, unknown>;
type Row = [label: string, path: (string | number)[], better: "higher" | "lower"];

const pick = (figures: unknown, path: (string | number)[]) =>
  path.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], figures) as number;

const median = (values: number[]) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/**
 * A figure of one server: from its rounds (`runs`, each with the room's fan-out steps found by
 * size) when the jobs that swing ran several times, as their median and every round's value;
 * otherwise the one run's.
 */
function figureOf(figures: Figures, path: (string | number)[], smoke: boolean): { value: number; each: number[] } {
  const runs = figures.runs as Figures[] | undefined;
  const inRuns = runs?.[0] && (path[0] as string) in withFanout(runs[0], smoke);
  if (!runs || !inRuns) return { value: pick(withFanout(figures, smoke), path), each: [] };
  const each = runs.map((run) => pick(withFanout(run, smoke), path));
  return { value: median(each), each };
}

const withFanout = (figures: Figures, smoke: boolean) => ({
  ...figures,
  fanout: Object.fromEntries(sizesFor(smoke).fanout.map((n) => [n, roomStep(figures, n)])),
});

/** The room step of `size` listeners, found by size (steps stop early when a room is too slow). */
const roomStep = (figures: Figures, size: number) =>
  ((figures.room as { steps?: { size: number }[] } | undefined)?.steps ?? []).find((step) => step.size === size);

function rows(smoke: boolean): Row[] {
  const sizes = sizesFor(smoke);
  const { rate: crossRate } = sizes.crossNode;
  const largest = sizes.memorySockets.at(-1) as number;
  return [
    [
      "handshakes per second, token in hand (Whisk: the page's or a resume token, as it connects and reconnects)",
      ["handshakes", "withTokenInHandPerSecond"],
      "higher",
    ],
    ["handshakes per second, a token request before each (Whisk: POST /api/ws-token, the fallback)", ["handshakes", "perSecond"], "higher"],
    ["Whisk's token route alone, tokens per second (POST /api/ws-token)", ["handshakes", "tokensPerSecond"], "higher"],
    [`route round trip p50, ms (world.say at ${sizes.roundTrip.rate}/s)`, ["roundTrip", "p50"], "lower"],
    [`route round trip p99, ms (world.say at ${sizes.roundTrip.rate}/s)`, ["roundTrip", "p99"], "lower"],
    [`route round trip p50, ms (world.ping at ${sizes.roundTrip.rate}/s: validation and routing alone)`, ["pingRoundTrip", "p50"], "lower"],
    [`route round trip p99, ms (world.ping at ${sizes.roundTrip.rate}/s)`, ["pingRoundTrip", "p99"], "lower"],
    ["highest world.ping rate held (all answered, p99 < 50 ms), per second", ["highestRate", "held"], "higher"],
    ...sizes.memorySockets.flatMap((n): Row[] => [
      [`memory per socket: resident, bytes (${n} sockets)`, ["memory", String(n), "bytesPerSocket"], "lower"],
      [`memory per socket: JS heap, bytes (${n} sockets)`, ["memory", String(n), "heapBytesPerSocket"], "lower"],
    ]),
    [
      `memory per socket of the gateway process alone (Whisk: WHISK_ROLE=ws), resident, bytes (${largest} sockets)`,
      ["gatewayMemory", String(largest), "bytesPerSocket"],
      "lower",
    ],
    [
      `memory per socket of the gateway process alone, JS heap, bytes (${largest} sockets)`,
      ["gatewayMemory", String(largest), "heapBytesPerSocket"],
      "lower",
    ],
    [`one broadcast to all ${largest} sockets: p95 delivery, ms`, ["memory", "broadcast", "p95"], "lower"],
    [`one broadcast to all ${largest} sockets: last delivery, ms`, ["memory", "broadcast", "lastMs"], "lower"],
    [`the same, gateway process alone: last delivery, ms`, ["gatewayMemory", "broadcast", "lastMs"], "lower"],
    ...sizes.fanout.flatMap((n): Row[] => [
      [`fan-out to a room of ${n}: deliveries per second`, ["fanout", n, "deliveriesPerSecond"], "higher"],
      [`fan-out to a room of ${n}: p50 delivery, ms`, ["fanout", n, "p50"], "lower"],
      [`fan-out to a room of ${n}: p99 delivery, ms`, ["fanout", n, "p99"], "lower"],
    ]),
    ["largest room with broadcast p95 < 500 ms (listeners)", ["room", "capacityUnder500ms"], "higher"],
    ["largest room with broadcast p95 < 250 ms (listeners)", ["room", "capacityUnder250ms"], "higher"],
    [
      `longest event-loop stall, ms (${sizes.burstSpeakers} broadcasts at once to ${sizes.roomSteps[0]})`,
      ["room", "burst", "longestStallMs"],
      "lower",
    ],
    [`cross-node p50, ms (${crossRate}/s, client > ws-1 > ws-2 > client)`, ["crossNode", "p50"], "lower"],
    [`cross-node p99, ms (${crossRate}/s)`, ["crossNode", "p99"], "lower"],
    [`reconnect storm: ms until all ${sizes.stormSockets} sockets of a killed gateway are back on another`, ["storm", "ms"], "lower"],
  ];
}

const format = (value: number) =>
  typeof value === "number" && Number.isFinite(value) ? (value >= 100 ? Math.round(value).toLocaleString("en") : value.toFixed(1)) : "n/a";

/**
 * Each figure of bare socket.io and Whisk, and Whisk's ratio. A figure measured in several rounds
 * is their median, with every round's value after it, so the spread shows.
 */
export function renderTable(results: Record<string, unknown>): string {
  const smoke = results.smoke === true;
  const cell = ({ value, each }: { value: number; each: number[] }) =>
    each.length > 1 ? `${format(value)} (${each.map(format).join(", ")})` : format(value);
  const lines = ["| figure | bare socket.io | Whisk | Whisk / bare |", "| --- | ---: | ---: | ---: |"];
  for (const [label, path, better] of rows(smoke)) {
    const b = figureOf(results.bare as Figures, path, smoke);
    const w = figureOf(results.whisk as Figures, path, smoke);
    const ratio = better === "higher" ? w.value / b.value : b.value / w.value;
    lines.push(`| ${label} | ${cell(b)} | ${cell(w)} | ${Number.isFinite(ratio) ? ratio.toFixed(2) : "n/a"} |`);
  }
  return lines.join("\n");
}

/** Fan-out against the practical limit: a raw `ws` server sending one frame built once per message. */
export function renderLimit(results: Record<string, unknown>): string {
  const smoke = results.smoke === true;
  const lines = ["| figure | raw ws | bare socket.io | Whisk | Whisk / raw |", "| --- | ---: | ---: | ---: | ---: |"];
  for (const n of sizesFor(smoke).fanout) {
    for (const [label, field] of [
      ["deliveries per second", "deliveriesPerSecond"],
      ["p50 delivery, ms", "p50"],
      ["p99 delivery, ms", "p99"],
    ] as const) {
      const path = ["fanout", n, field];
      const raw = figureOf(results.raw as Figures, path, smoke).value;
      const [bare, whisk] = [figureOf(results.bare as Figures, path, smoke).value, figureOf(results.whisk as Figures, path, smoke).value];
      const ratio = field === "deliveriesPerSecond" ? whisk / raw : raw / whisk;
      lines.push(
        `| fan-out to a room of ${n}: ${label} | ${format(raw)} | ${format(bare)} | ${format(whisk)} | ${Number.isFinite(ratio) ? ratio.toFixed(2) : "n/a"} |`,
      );
    }
  }
  return lines.join("\n");
}

/** Time to connected for a page load, and what the reconnect storm asked of each tier. */
export function renderConnecting(results: Record<string, unknown>): string {
  const bare = results.bare as Figures;
  const whisk = results.whisk as Figures;
  const storm = (figures: Figures, field: string) => format(pick(figures, ["storm", field]));
  return [
    "| job | figure | bare socket.io | Whisk |",
    "| --- | --- | ---: | ---: |",
    `| page load to connected (Whisk: the rooms page with its token, then the socket; bare: the socket alone) | p50, ms | ${format(pick(bare, ["pageLoad", "p50"]))} | ${format(pick(whisk, ["pageLoad", "p50"]))} |`,
    `| | p95, ms | ${format(pick(bare, ["pageLoad", "p95"]))} | ${format(pick(whisk, ["pageLoad", "p95"]))} |`,
    `| | page loads per second, 5 at a time | ${format(pick(bare, ["pageLoad", "perSecond"]))} | ${format(pick(whisk, ["pageLoad", "perSecond"]))} |`,
    `| | the page alone, p50, ms | | ${format(pick(whisk, ["pageLoad", "pageP50"]))} |`,
    `| the same with a token request after the page (before the page carried one) | p50, ms | | ${format(pick(whisk, ["pageLoad", "viaTokenRouteP50"]))} |`,
    `| | p95, ms | | ${format(pick(whisk, ["pageLoad", "viaTokenRouteP95"]))} |`,
    `| | page loads per second, 5 at a time | | ${format(pick(whisk, ["pageLoad", "viaTokenRoutePerSecond"]))} |`,
    `| reconnect storm (a gateway killed, its sockets back on another) | sockets | ${storm(bare, "sockets")} | ${storm(whisk, "sockets")} |`,
    `| | ms until all are back | ${storm(bare, "ms")} | ${storm(whisk, "ms")} |`,
    `| | requests to the token route | | ${storm(whisk, "tokenRequests")} |`,
    `| | handshakes tried again (refused or unanswered) | ${storm(bare, "retries")} | ${storm(whisk, "retries")} |`,
    `| | CPU of the gateway that took them, ms | ${storm(bare, "fallbackGatewayCpuMs")} | ${storm(whisk, "fallbackGatewayCpuMs")} |`,
    `| | CPU of the web node, ms | | ${storm(whisk, "webCpuMs")} |`,
  ].join("\n");
}

/** Server and load-generator CPU time per job, to show neither starved the other. */
function renderCpu(results: Record<string, unknown>): string {
  const jobs: [string, string[]][] = [
    ["handshakes", ["handshakes"]],
    ["page loads", ["pageLoad"]],
    ["route round trips (first round)", ["roundTrip"]],
    ["cross-node path (all server processes)", ["crossNode"]],
  ];
  const lines = ["| job | bare: server / load CPU, ms | Whisk: server / load CPU, ms |", "| --- | ---: | ---: |"];
  for (const [label, path] of jobs) {
    const cell = (name: string) => {
      const all = results[name] as Figures & { runs?: Figures[] };
      const figures = (pick(all, path) ?? pick(all.runs?.[0], path)) as unknown as
        | { serverCpuMs?: number; clientCpuMs?: number }
        | undefined;
      return `${format(figures?.serverCpuMs ?? Number.NaN)} / ${format(figures?.clientCpuMs ?? Number.NaN)}`;
    };
    lines.push(`| ${label} | ${cell("bare")} | ${cell("whisk")} |`);
  }
  return lines.join("\n");
}

/**
 * The cross-node jobs side by side: bare socket.io with the classic Redis adapter and with its
 * sharded form, and Whisk, each on three fresh gateways (senders on ws-1, the receiver on ws-2,
 * nobody on ws-3).
 */
export function renderCrossNode(results: Record<string, unknown>): string {
  const sizes = sizesFor(results.smoke === true);
  const bare = results.bare as Figures;
  const whisk = results.whisk as Figures;
  const cell = (figures: Figures, job: string, field: string) => format(pick(figures, [job, field]));
  const envelopes = (job: string) => {
    const perGateway = pick(whisk, [job, "envelopesPerGateway"]) as unknown as Record<string, number> | undefined;
    return perGateway ? Object.values(perGateway).map(format).join(" / ") : "n/a";
  };
  const eachRun = (figures: Figures, job: string) => {
    const runs = pick(figures, [job, "serverCpuMsRuns"]) as unknown as number[] | undefined;
    return runs ? runs.map(format).join(", ") : "";
  };
  const byProcess = (figures: Figures, job: string) => {
    const each = pick(figures, [job, "serverCpuMsByProcess"]) as unknown as number[] | undefined;
    return each ? each.map(format).join(" / ") : "";
  };
  const whisper = `whisper at ${sizes.crossNode.rate}/s from ${sizes.crossNode.senders} senders`;
  const say = `room message at ${sizes.crossNodeRoom.rate}/s to ${sizes.crossNodeRoom.senders + 1} sockets`;
  const lines = ["| job | figure | bare, Redis adapter | bare, sharded adapter | Whisk |", "| --- | --- | ---: | ---: | ---: |"];
  const fields: [string, string][] = [
    ["p50 delivery, ms", "p50"],
    ["p99 delivery, ms", "p99"],
    ["server CPU, all processes, ms", "serverCpuMs"],
    ["CPU of ws-3 (holds no recipient), ms", "idleGatewayCpuMs"],
    ["Redis CPU, ms", "redisCpuMs"],
  ];
  for (const [label, field] of fields) {
    lines.push(
      `| ${whisper}, one Redis | ${label} | ${cell(bare, "crossNode", field)} | ${cell(bare, "crossNodeSharded", field)} | ${cell(whisk, "crossNode", field)} |`,
    );
  }
  lines.push(
    `| ${whisper}, one Redis | server CPU of each run (the median run's figures above), ms | ${eachRun(bare, "crossNode")} | ${eachRun(bare, "crossNodeSharded")} | ${eachRun(whisk, "crossNode")} |`,
    `| ${whisper}, one Redis | server CPU of ws-1 / ws-2 / ws-3 (Whisk: / web / worker) in the median run, ms | ${byProcess(bare, "crossNode")} | ${byProcess(bare, "crossNodeSharded")} | ${byProcess(whisk, "crossNode")} |`,
    `| ${whisper}, one Redis | envelopes received by ws-1 / ws-2 / ws-3 | every broadcast, on every server | | ${envelopes("crossNode")} |`,
  );
  for (const [label, field] of fields) {
    lines.push(
      `| ${say} (Whisk: through a worker, kept in history), one Redis | ${label} | ${cell(bare, "crossNodeRoom", field)} | | ${cell(whisk, "crossNodeRoom", field)} |`,
    );
  }
  for (const [label, field] of fields) {
    lines.push(
      `| ${whisper}, Redis Cluster of 3 masters | ${label} | | ${cell(bare, "crossNodeOnRedisCluster", field)} | ${cell(whisk, "crossNodeOnRedisCluster", field)} |`,
    );
  }
  lines.push(
    `| ${whisper}, Redis Cluster of 3 masters | server CPU of each run, ms | | ${eachRun(bare, "crossNodeOnRedisCluster")} | ${eachRun(whisk, "crossNodeOnRedisCluster")} |`,
    `| ${whisper}, Redis Cluster of 3 masters | server CPU of ws-1 / ws-2 / ws-3 (Whisk: / web / worker) in the median run, ms | | ${byProcess(bare, "crossNodeOnRedisCluster")} | ${byProcess(whisk, "crossNodeOnRedisCluster")} |`,
    `| ${whisper}, Redis Cluster of 3 masters | envelopes received by ws-1 / ws-2 / ws-3 | | | ${envelopes("crossNodeOnRedisCluster")} |`,
  );
  return lines.join("\n");
}

/** docs/BENCHMARKS.md, regenerated by every full run. */
export function renderReport(results: Record<string, unknown>): string {
  const machine = results.machine as { cpus: number; model: string; memoryGb: number; node: string };
  return `# Benchmarks: Whisk against bare socket.io

Made by \`npm run bench\` (production build, loopback, load from separate processes; ${String(results.seconds)} s) on ${machine.cpus} × ${machine.model}, ${machine.memoryGb} GB, Node ${machine.node}, ${String(results.when)}. The ratio is Whisk's share of bare socket.io's figure (1.00 = as good; above 1 = better).

${renderTable(results)}

Fan-out against what this machine can do: a plain \`ws\` server (\`bench/raw-ws-server.ts\`) that sends each message as one frame built once, to plain WebSocket clients (one run):

${renderLimit(results)}

Connecting: a page load, and a reconnect storm:

${renderConnecting(results)}

The cross-node jobs, each on three fresh gateways over Redis: senders on ws-1, the receiver on ws-2, nobody on ws-3 (Whisk also runs its web node and a worker, counted in its server CPU):

${renderCrossNode(results)}

CPU time of the server and of the load generators (separate processes) during each job:

${renderCpu(results)}

The raw figures are in \`bench/results.json\`.

${readFileSync(join(import.meta.dirname, "notes.md"), "utf8")}`;
}
