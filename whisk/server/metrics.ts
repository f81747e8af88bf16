import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * One Whisk instance's Prometheus metrics, in a registry of its own (not prom-client's global
 * one), so several instances in one process (tests, a cluster in one process) do not clash.
 * Served as `GET /metrics` by `handleHealth` when given `metrics: whisk.metrics.registry`.
 */
export interface WhiskMetrics {
  readonly registry: Registry;
  /** Messages a `drop-oldest` observer dropped for a slow socket. */
  readonly slowClientDropped: Counter<"topic">;
  /** Messages a `keep-latest` observer replaced by a newer one for a slow socket. */
  readonly slowClientReplaced: Counter<"topic">;
  /**
   * Slow sockets cut at the transport: reason `policy` (a `disconnect` observer, by topic) or
   * `max_buffered` (the watchdog's `maxBufferedPackets`, topic empty).
   */
  readonly slowClientDisconnects: Counter<"topic" | "reason">;
  /** Handshakes refused, by code (ORIGIN_NOT_ALLOWED, TOKEN_INVALID, RATE_LIMITED...). */
  readonly handshakeRefusals: Counter<"code">;
  /** Token and sign-in requests refused by the per-address limit. */
  readonly requestRefusals: Counter;
  /** TCP connections closed at once: `per_address` (too many from one address) or `max_connections`. */
  readonly connectionRefusals: Counter<"reason">;
  /**
   * Bus envelopes that reached this node's gateways: `delivered` (it held a recipient),
   * `no_recipient_here` (a neighbour's in its slot, or a socket that just left; targeted delivery
   * keeps it small), or `filled_before` (a bus gap's fill from history delivered it already).
   */
  readonly busEnvelopes: Counter<"outcome">;
  /** Times this node's bus subscription came back after its connection was lost (a gap to fill). */
  readonly busResubscriptions: Counter;
  /** Room messages delivered from history after a bus gap. */
  readonly busGapFilled: Counter;
  /** Envelopes this process put on the bus: `publish` (fan-out) or `enqueue` (a job), by topic or queue. */
  readonly busSent: Counter<"kind" | "topic">;
  /**
   * Seconds from a client event's arrival to its answer, by route and result code (`ok` or the
   * WhiskError's code). An event no route handles counts under the route `(unknown)`: a client
   * inventing names cannot add series.
   */
  readonly routeDuration: Histogram<"route" | "code">;
  /** Typed errors: sent back to clients (`source` route) or thrown by worker jobs (`source` job), by code. */
  readonly errors: Counter<"source" | "code">;
  /** Seconds from a job's enqueueing to a worker starting it, by queue. */
  readonly queueLag: Histogram<"queue">;
  /** Seconds a worker spent on a job, by queue and result code. */
  readonly jobDuration: Histogram<"queue" | "code">;
  /** Adds what one gateway holds (sockets, messages queued for slow ones); returns its removal. */
  addGateway(gateway: { sockets(): number; queued(): number }): () => void;
  /** Reports the depth of these queues (jobs waiting or in hand) at each scrape; returns its removal. */
  addQueues(depths: () => Promise<ReadonlyMap<string, number>>): () => void;
}

/**
 * Route and job durations: a route answers in about a millisecond when it only checks and
 * publishes, a job or a history read may take tens, and anything past 5 s is a timeout anyway.
 */
const DURATION_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Queue lag: from the job's enqueueing to its start, up to the half minute after which a job is claimed. */
const LAG_BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30];
/**
 * How often the event-loop delay histogram (`nodejs_eventloop_lag_*`) samples the loop. prom-client's
 * 10 ms wakes an idle process 100 times a second, in every gateway, web node and worker: in
 * `npm run bench`, the idle gateway of the cross-node job spent 30 ms of CPU per run with it, and
 * 10 ms at 100 ms. At 100 ms a stall of 100 ms or more is always seen, a shorter one in proportion
 * to its length.
 */
export const LOOP_DELAY_RESOLUTION_MS = 100;

export function createWhiskMetrics(options: {
  nodeId: string;
  defaultMetrics?: boolean;
  /** How many bus channels this process listens to (a transport with targeted delivery). */
  busChannels?: () => number;
}): WhiskMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ node: options.nodeId });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: LOOP_DELAY_RESOLUTION_MS });
  const gateways = new Set<{ sockets(): number; queued(): number }>();
  const sum = (read: (gateway: { sockets(): number; queued(): number }) => number) =>
    [...gateways].reduce((total, gateway) => total + read(gateway), 0);

  new Gauge({
    name: "whisk_connected_sockets",
    help: "Sockets connected to this node's gateways.",
    registers: [registry],
    collect() {
      this.set(sum((gateway) => gateway.sockets()));
    },
  });
  new Gauge({
    name: "whisk_slow_client_queued_messages",
    help: "Messages held for slow sockets by observers with a slow-client policy.",
    registers: [registry],
    collect() {
      this.set(sum((gateway) => gateway.queued()));
    },
  });

  const busChannels = options.busChannels;
  if (busChannels) {
    new Gauge({
      name: "whisk_bus_channels",
      help: "Bus channels this node listens to: everyone's, its own, and the slots of the users, sessions, sockets and rooms it holds.",
      registers: [registry],
      collect() {
        this.set(busChannels());
      },
    });
  }

  const queueDepths = new Set<() => Promise<ReadonlyMap<string, number>>>();
  new Gauge({
    name: "whisk_queue_depth",
    help: "Jobs in a worker queue, waiting or in a worker's hands, as the processes running its workers see it.",
    labelNames: ["queue"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const depths of queueDepths) {
        // A scrape must answer even while Redis is away: the depth is then simply not reported.
        const read = await depths().catch(() => new Map<string, number>());
        for (const [queue, depth] of read) this.set({ queue }, depth);
      }
    },
  });

  const counter = <Label extends string>(name: string, help: string, labelNames: readonly Label[] = []) =>
    new Counter<Label>({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    slowClientDropped: counter(
      "whisk_slow_client_dropped_total",
      "Messages dropped (oldest first) for slow sockets by drop-oldest observers.",
      ["topic"],
    ),
    slowClientReplaced: counter(
      "whisk_slow_client_replaced_total",
      "Messages replaced by a newer one for slow sockets by keep-latest observers.",
      ["topic"],
    ),
    slowClientDisconnects: counter(
      "whisk_slow_client_disconnects_total",
      "Slow sockets cut at the transport: by a disconnect observer (reason policy), past maxBufferedPackets (reason max_buffered) or maxBufferedBytes (reason max_buffered_bytes).",
      ["topic", "reason"],
    ),
    handshakeRefusals: counter("whisk_handshake_refusals_total", "Handshakes refused by the gateway, by error code.", ["code"]),
    requestRefusals: counter(
      "whisk_request_refusals_total",
      "HTTP requests (tokens, sign-in, server actions) refused by the per-address rate limit.",
    ),
    connectionRefusals: counter(
      "whisk_connection_refusals_total",
      "TCP connections closed at once: too many from one address (per_address) or in all (max_connections).",
      ["reason"],
    ),
    busEnvelopes: counter(
      "whisk_bus_envelopes_total",
      "Bus envelopes that reached this node's gateways: delivered (a recipient here), no_recipient_here, or filled_before (a bus gap's fill from history delivered it already).",
      ["outcome"],
    ),
    busResubscriptions: counter(
      "whisk_bus_resubscriptions_total",
      "Times this node's bus subscription came back after its connection was lost: what was published meanwhile is filled from history.",
    ),
    busGapFilled: counter("whisk_bus_gap_filled_total", "Room messages delivered from their history after a bus gap."),
    busSent: counter(
      "whisk_bus_sent_total",
      "Envelopes this process put on the bus: kind publish (fan-out, by topic) or enqueue (a job, by queue).",
      ["kind", "topic"],
    ),
    routeDuration: new Histogram({
      name: "whisk_route_duration_seconds",
      help: "Seconds from a client event's arrival to its answer, by route and result code (ok, or the error's code; unknown events under (unknown)).",
      labelNames: ["route", "code"],
      buckets: DURATION_BUCKETS_SECONDS,
      registers: [registry],
    }),
    errors: counter(
      "whisk_errors_total",
      "Typed errors sent back to clients (source route) or thrown by worker jobs (source job), by code.",
      ["source", "code"],
    ),
    queueLag: new Histogram({
      name: "whisk_queue_lag_seconds",
      help: "Seconds from a job's enqueueing to a worker starting it, by queue.",
      labelNames: ["queue"],
      buckets: LAG_BUCKETS_SECONDS,
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: "whisk_job_duration_seconds",
      help: "Seconds a worker spent on a job, by queue and result code (ok, or the error's code).",
      labelNames: ["queue", "code"],
      buckets: DURATION_BUCKETS_SECONDS,
      registers: [registry],
    }),
    addGateway(gateway) {
      gateways.add(gateway);
      return () => gateways.delete(gateway);
    },
    addQueues(depths) {
      queueDepths.add(depths);
      return () => queueDepths.delete(depths);
    },
  };
}
