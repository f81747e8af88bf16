import type { Redis } from "ioredis";
import type { Envelope } from "../core/envelope";
import { type RedisKeys, redisKeys } from "../core/redis-keys";
import { decodeEnvelope, encodeEnvelope } from "./envelope-codec";
import { QueueConsumer } from "./queue-consumer";
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

/**
 * The bus across processes. Fan-out is Redis pub/sub on one channel: every gateway gets every
 * envelope and delivers to the sockets it holds. Work queues are Redis Streams with one consumer
 * group: each job goes to one worker, is acknowledged only after its handler finishes, and a job
 * whose worker died is claimed by another after `claimIdleMs` (at-least-once, none lost).
 */
export class RedisTransport implements BusTransport {
  private readonly keys: RedisKeys;
  private readonly channel: string;
  private subscriber: Redis | null = null;
  private subscribed: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(envelope: Envelope) => void>();
  private readonly stops = new Set<StopConsuming>();

  constructor(private readonly options: RedisTransportOptions) {
    this.keys = redisKeys(options.prefix);
    this.channel = this.keys.busChannel;
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
    const { redis, consumerName, claimIdleMs, blockMs, onHandlerError, onMalformed, onConsumerError } = this.options;
    const consumer = new QueueConsumer({
      redis,
      queue,
      streamKey: this.queueKey(queue),
      group: this.keys.workerGroup,
      deadLetterKey: this.keys.deadLetters(queue),
      consumerName,
      claimIdleMs,
      blockMs,
      handler,
      onHandlerError,
      onMalformed,
      onConsumerError,
    });
    consumer.start();
    const stop: StopConsuming = async () => {
      await consumer.stop();
      this.stops.delete(stop);
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
    return this.keys.queue(queue);
  }
}
