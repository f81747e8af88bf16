import type { Redis } from "ioredis";
import type { Envelope } from "../core/envelope";
import { decodeEnvelope, encodeEnvelope } from "./envelope-codec";
import type { BusTransport, StopConsuming, Unsubscribe } from "./transport";

export interface RedisTransportOptions {
  /** A connection for commands; the transport duplicates it for subscribing and blocking reads. */
  redis: Redis;
  /** This process's name in consumer groups; must be unique among live processes. */
  consumerName: string;
  /** Key prefix, so several apps can share one Redis. */
  prefix?: string;
  /** A job unacknowledged this long (its worker died) is taken over by another worker. */
  claimIdleMs?: number;
  /** Longest blocking read: stopping a consumer waits at most this, plus the jobs it holds. */
  blockMs?: number;
  onHandlerError?: (error: unknown, envelope: Envelope) => void;
  onMalformed?: (where: string) => void;
  /** A consumer loop hit a Redis error; it retries by itself. */
  onConsumerError?: (error: unknown, queue: string) => void;
}

type StreamEntry = [id: string, fields: string[]];
/**
 * What XAUTOCLAIM may hand back for an entry deleted after it was read: Redis 6.2 replies nil in
 * its place (Redis 7 leaves it out and clears it from the pending list itself).
 */
type ClaimedEntry = StreamEntry | [id: string, fields: null] | null;

/**
 * Most jobs one consumer reads (or claims) at a time. Read jobs are this consumer's until acked,
 * so a small batch keeps little in hand: a stopping worker finishes them quickly, and a crashed
 * one leaves few to be claimed after `claimIdleMs`.
 */
const BATCH = 10;

/**
 * The bus across processes. Fan-out is Redis pub/sub on one channel: every gateway gets every
 * envelope and delivers to the sockets it holds. Work queues are Redis Streams with one consumer
 * group: each job goes to one worker, is acknowledged only after its handler finishes, and a job
 * whose worker died is claimed by another after `claimIdleMs` (at-least-once, none lost).
 */
export class RedisTransport implements BusTransport {
  private readonly prefix: string;
  private readonly channel: string;
  private subscriber: Redis | null = null;
  private subscribed: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(envelope: Envelope) => void>();
  private readonly stops = new Set<StopConsuming>();

  constructor(private readonly options: RedisTransportOptions) {
    this.prefix = options.prefix ?? "whisk:";
    this.channel = `${this.prefix}bus`;
  }

  async publish(envelope: Envelope): Promise<void> {
    await this.options.redis.publish(this.channel, encodeEnvelope(envelope));
  }

  subscribe(listener: (envelope: Envelope) => void): Unsubscribe {
    if (!this.subscriber) {
      const subscriber = this.options.redis.duplicate();
      // Connection errors surface through the health check; ioredis reconnects and resubscribes.
      subscriber.on("error", () => {});
      this.subscriber = subscriber;
      subscriber.on("message", (_channel: string, text: string) => {
        const envelope = decodeEnvelope(text);
        if (!envelope) return this.options.onMalformed?.("bus");
        for (const each of [...this.listeners]) each(envelope);
      });
      this.subscribed = subscriber.subscribe(this.channel);
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True while fan-out works here: no subscription yet, or its connection is up and subscribed. */
  isSubscribed(): boolean {
    return this.subscriber === null || this.subscriber.status === "ready";
  }

  /** Resolves once the subscription is live, so nothing published afterwards is missed. */
  ready(): Promise<void> {
    return this.subscribed.then(() => undefined);
  }

  async enqueue(queue: string, envelope: Envelope): Promise<void> {
    // No MAXLEN: trimming by length drops the oldest entries whether or not a worker has taken
    // them, so a backlog would silently lose jobs. The stream stays small anyway, because each
    // job is deleted (XDEL) in the same MULTI as its XACK: what remains is only what waits for a
    // worker or is in a worker's hands. (One consumer group per queue, so acked means done.)
    await this.options.redis.xadd(this.queueKey(queue), "*", "envelope", encodeEnvelope(envelope));
  }

  consume(queue: string, handler: (envelope: Envelope) => Promise<void>): StopConsuming {
    const key = this.queueKey(queue);
    const group = `${this.prefix}workers`;
    const consumer = this.options.consumerName;
    const claimIdleMs = this.options.claimIdleMs ?? 30_000;
    const blockMs = this.options.blockMs ?? 1_000;
    const connection = this.options.redis.duplicate();
    connection.on("error", () => {}); // the loop below sees failed commands and retries
    let stopped = false;

    // Every job read is run and acknowledged, even once stopping has begun: a job left pending
    // would run again on another worker after `claimIdleMs`, a second time if it had already run.
    const handle = async (entries: readonly ClaimedEntry[]) => {
      for (const entry of entries) {
        // Deleted meanwhile (see ClaimedEntry): nothing to run. Without an id there is nothing to
        // ack either; with one, ack it so it leaves the pending list.
        if (!Array.isArray(entry)) continue;
        const [id, fields] = entry;
        if (!Array.isArray(fields)) {
          await connection.xack(key, group, id);
          continue;
        }
        const envelope = decodeEnvelope(fields[1] ?? "");
        if (!envelope) this.options.onMalformed?.(key);
        else {
          try {
            await handler(envelope);
          } catch (error) {
            this.options.onHandlerError?.(error, envelope);
            // Kept for a person to inspect, instead of retrying a job that fails every time.
            await connection.xadd(`${this.prefix}dead:${queue}`, "MAXLEN", "~", "10000", "*", "envelope", fields[1] ?? "");
          }
        }
        await connection.multi().xack(key, group, id).xdel(key, id).exec();
      }
    };

    const ensureGroup = () =>
      connection.xgroup("CREATE", key, group, "0", "MKSTREAM").catch((error: Error) => {
        if (!error.message.includes("BUSYGROUP")) throw error;
      });

    const loop = async () => {
      let lastClaim = 0;
      // Where the last claim stopped; not "0-0" means more pending entries to look at, at once
      // (a batch is small, and a dead worker may have left more than one).
      let claimFrom = "0-0";
      let needsGroup = true;
      while (!stopped) {
        try {
          if (needsGroup) {
            await ensureGroup();
            needsGroup = false;
          }
          if (claimFrom !== "0-0" || Date.now() - lastClaim >= claimIdleMs / 3) {
            lastClaim = Date.now();
            const [next, claimed] = (await connection.xautoclaim(key, group, consumer, claimIdleMs, claimFrom, "COUNT", BATCH)) as [
              string,
              ClaimedEntry[],
            ];
            claimFrom = next;
            await handle(claimed);
            // More to look at: the older jobs first, before a blocking read of new ones.
            if (claimFrom !== "0-0") continue;
          }
          // Checked again here: once stopping, read nothing new (what is read must be run).
          if (stopped) break;
          const read = (await connection.xreadgroup("GROUP", group, consumer, "COUNT", BATCH, "BLOCK", blockMs, "STREAMS", key, ">")) as
            | [string, StreamEntry[]][]
            | null;
          if (read) await handle(read[0]?.[1] ?? []);
        } catch (error) {
          if (stopped) return;
          // Redis went away or restarted empty: wait, make sure the group exists, and go on.
          this.options.onConsumerError?.(error, queue);
          needsGroup = true;
          claimFrom = "0-0";
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    };

    const running = loop();
    // Stop reading, let the jobs in hand finish and be acked (the loop ends after them, or after
    // a blocking read of at most `blockMs` returns), and only then close the connection.
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        stopped = true;
        await running;
        connection.disconnect();
        this.stops.delete(stop);
      })();
      return stopping;
    };
    this.stops.add(stop);
    return stop;
  }

  async close(): Promise<void> {
    await Promise.all([...this.stops].map((stop) => stop()));
    this.stops.clear();
    this.listeners.clear();
    this.subscriber?.disconnect();
    this.subscriber = null;
  }

  private queueKey(queue: string) {
    return `${this.prefix}queue:${queue}`;
  }
}
