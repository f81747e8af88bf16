import type { Address } from "../core/address";
import type { Envelope } from "../core/envelope";
import { duplicateConnection, type RedisConnection } from "../core/redis-connection";
import { type RedisKeys, redisKeys } from "../core/redis-keys";
import { AwaitedEchoes } from "./awaited-echoes";
import { channelOf, channelsFor, DEFAULT_BUS_SLOTS } from "./bus-channels";
import { decodeEnvelope, encodeEnvelope } from "./envelope-codec";
import { publishToChannels } from "./publish-to-channels";
import { QueueConsumer } from "./queue-consumer";
import { RecentIds } from "./recent-ids";
import type { BusTransport, StopConsuming, Unsubscribe } from "./transport";

export interface RedisTransportOptions {
  /**
   * A connection for commands; the transport duplicates it for subscribing and blocking reads.
   * On a Redis Cluster (made with `shardedSubscribers: true`) fan-out is sharded pub/sub.
   */
  redis: RedisConnection;
  /** This process's name in consumer groups; must be unique among live processes. */
  consumerName: string;
  /** This node's id, whose channel carries envelopes addressed to it; `consumerName` by default. */
  nodeId?: string;
  /** How many slot channels users, sessions, sockets and rooms hash to (bus-channels.ts); every process must agree. */
  slots?: number;
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
 * The bus across processes. Fan-out is Redis pub/sub, targeted (bus-channels.ts): an envelope is
 * published on the channels of its addresses, and a gateway listens to the everyone channel, its
 * node's, and the slots of the users, sessions, sockets and rooms it holds (`follow`), so it
 * receives and decodes only what it may deliver. Work queues are Redis Streams with one consumer
 * group: each job goes to one worker, is acknowledged only after its handler finishes, and a job
 * whose worker died is claimed by another after `claimIdleMs` (at-least-once, none lost).
 *
 * On a Redis Cluster, channels are sharded (SPUBLISH, SSUBSCRIBE): each lives on the shard that
 * owns its hash slot, so the slot channels spread the bus over every shard instead of every
 * shard carrying every message, as classic pub/sub on a cluster does.
 */
export class RedisTransport implements BusTransport {
  private readonly keys: RedisKeys;
  private readonly slots: number;
  /** Always listened to: envelopes for everyone and for this node. */
  private readonly ownChannels: string[];
  /** Followed slot channels: how many followers each has here, and the SUBSCRIBE that made it live. */
  private readonly followers = new Map<string, { count: number; live: Promise<unknown> }>();
  private readonly recentIds = new RecentIds(4_096);
  /** What this process published and delivered to itself, by its text: how many copies Redis will echo back. */
  private readonly echoes = new AwaitedEchoes();
  private received = 0;
  private subscriber: RedisConnection | null = null;
  private readonly sharded: boolean;
  private subscribed: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(envelope: Envelope) => void>();
  private readonly resubscribedListeners = new Set<(live: Promise<void>) => void>();
  private readonly stops = new Set<StopConsuming>();

  constructor(private readonly options: RedisTransportOptions) {
    this.keys = redisKeys(options.prefix);
    this.slots = options.slots ?? DEFAULT_BUS_SLOTS;
    this.ownChannels = [this.keys.busEveryone, this.keys.busNode(options.nodeId ?? options.consumerName)];
    this.sharded = options.redis.isCluster;
  }

  async publish(envelope: Envelope): Promise<void> {
    const text = encodeEnvelope(envelope);
    const channels = channelsFor(envelope.to, this.keys, this.slots);
    this.deliverHere(envelope, text, channels);
    await publishToChannels(this.options.redis, channels, text);
  }

  /**
   * An envelope for channels this process listens to goes to its listeners at once (a microtask
   * later, as from the network), as socket.io emits to its own sockets before publishing: no
   * round trip through Redis, no decoding. Redis still sends it back once per such channel; those
   * echoes are known by their text and dropped.
   */
  private deliverHere(envelope: Envelope, text: string, channels: readonly string[]): void {
    if (!this.subscriber || this.listeners.size === 0) return;
    const echoes = channels.filter((channel) => this.ownChannels.includes(channel) || this.followers.has(channel)).length;
    if (echoes === 0) return;
    this.echoes.expect(text, echoes);
    queueMicrotask(() => {
      for (const each of [...this.listeners]) each(envelope);
    });
  }

  subscribe(listener: (envelope: Envelope) => void): Unsubscribe {
    this.listenHere();
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async follow(address: Address): Promise<Unsubscribe> {
    const channel = channelOf(address, this.keys, this.slots);
    if (this.ownChannels.includes(channel)) return () => {};
    const subscriber = this.listenHere();
    // A channel already followed here waits for its SUBSCRIBE, sent once: a gateway taking
    // thousands of sockets sends one per slot, not one per socket. While the connection is down, a
    // SUBSCRIBE is queued behind ioredis's own resubscription, so it resolves once that is live.
    const state = this.followers.get(channel);
    let subscribing: Promise<unknown>;
    if (state) {
      state.count += 1;
      subscribing = subscriber.status === "ready" ? state.live : this.subscribeTo(subscriber, [channel]);
    } else {
      subscribing = this.subscribeTo(subscriber, [channel]);
      this.followers.set(channel, { count: 1, live: subscribing });
    }
    const unfollow = () => {
      const following = this.followers.get(channel);
      if (following && --following.count > 0) return;
      this.followers.delete(channel);
      if (this.subscriber) this.unsubscribeFrom(this.subscriber, channel).catch(() => {});
    };
    try {
      await subscribing;
    } catch (error) {
      // Not followed after all: the count goes back, or the channel would be held for ever.
      unfollow();
      throw error;
    }
    let followed = true;
    return () => {
      if (!followed) return;
      followed = false;
      unfollow();
    };
  }

  onResubscribed(listener: (live: Promise<void>) => void): Unsubscribe {
    this.resubscribedListeners.add(listener);
    return () => this.resubscribedListeners.delete(listener);
  }

  stats(): { received: number; channels: number } {
    return { received: this.received, channels: this.ownChannels.length + this.followers.size };
  }

  /** The subscriber connection, made on first use, listening to everyone's and this node's channels. */
  private listenHere(): RedisConnection {
    if (this.subscriber) return this.subscriber;
    const subscriber = duplicateConnection(this.options.redis);
    // Connection errors surface through the health check; ioredis reconnects and resubscribes.
    subscriber.on("error", () => {});
    this.subscriber = subscriber;
    subscriber.on(this.sharded ? "smessage" : "message", (_channel: string, text: string) => {
      if (this.echoes.take(text)) return;
      const envelope = decodeEnvelope(text);
      if (!envelope) return this.options.onMalformed?.("bus");
      // An envelope for several addresses travels on several channels: a process listening to
      // more than one of them takes it once.
      if (envelope.to.length > 1 && !this.recentIds.add(envelope.id)) return;
      this.received += 1;
      for (const each of [...this.listeners]) each(envelope);
    });
    this.subscribed = this.subscribeTo(subscriber, this.ownChannels);
    this.noticeResubscriptions(subscriber);
    // Told through ready() to whoever waits on it, and never an unhandled rejection otherwise.
    this.subscribed.catch(() => {});
    return subscriber;
  }

  /**
   * After a lost connection comes back, ioredis subscribes to every channel again; listeners hear
   * at once (before any message of the new subscription arrives), with a promise that resolves
   * once the channels are live. On one Redis, that is when the connection turns "ready" again,
   * and a PING queued behind the re-sent SUBSCRIBEs answers. On a Redis Cluster each shard has
   * its own subscriber connection: ioredis replaces a lost one (or one whose slots moved),
   * subscribes it again and says "subscribersReady"; SSUBSCRIBEs sent then queue behind its own
   * on each shard's connection (ioredis keeps them in its channel list until unfollowed: a few
   * names more per gap). The first of either event is the start, not a gap.
   */
  private noticeResubscriptions(subscriber: RedisConnection): void {
    const [event, whenLive] = subscriber.isCluster
      ? ["subscribersReady", () => this.subscribeTo(subscriber, [...this.ownChannels, ...this.followers.keys()])]
      : ["ready", () => subscriber.ping()];
    let started = false;
    subscriber.on(event, () => {
      if (!started) {
        started = true;
        return;
      }
      const live = whenLive().then(() => undefined);
      live.catch(() => {}); // lost again: ioredis tries again and says so again
      for (const listener of [...this.resubscribedListeners]) listener(live);
    });
  }

  private subscribeTo(subscriber: RedisConnection, channels: string[]): Promise<unknown> {
    // One SSUBSCRIBE may name only channels of one slot: each goes on its own.
    if (this.sharded) return Promise.all(channels.map((channel) => subscriber.ssubscribe(channel)));
    return subscriber.subscribe(...channels);
  }

  private unsubscribeFrom(subscriber: RedisConnection, channel: string): Promise<unknown> {
    return this.sharded ? subscriber.sunsubscribe(channel) : subscriber.unsubscribe(channel);
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

  /** Acked jobs are deleted (see enqueue), so the stream's length is what is not done yet. */
  queueDepth(queue: string): Promise<number> {
    return this.options.redis.xlen(this.queueKey(queue));
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
    this.echoes.clear();
    this.resubscribedListeners.clear();
    this.followers.clear();
    this.subscriber?.disconnect();
    this.subscriber = null;
  }

  private queueKey(queue: string) {
    return this.keys.queue(queue);
  }
}
