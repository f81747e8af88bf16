import { Redis } from "ioredis";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { type Address, everyone, toNode, toRoom, toUser } from "../core/address";
import { createEnvelope, type Envelope } from "../core/envelope";
import { redisKeys } from "../core/redis-keys";
import { runTransportContract } from "../testing/contracts/transport-contract";
import { connectTestRedis, connectTestRedisCluster } from "../testing/redis-for-tests";
import { DEFAULT_BUS_SLOTS, slotOf } from "./bus-channels";
import { decodeEnvelope } from "./envelope-codec";
import { RedisTransport, type RedisTransportOptions } from "./redis-transport";

runTransportContract("RedisTransport", async () => {
  const { redis, prefix, cleanup } = await connectTestRedis();
  const a = new RedisTransport({ redis, prefix, consumerName: "a", blockMs: 200 });
  const b = new RedisTransport({ redis, prefix, consumerName: "b", blockMs: 200 });
  return { a, b, ready: async () => void (await Promise.all([a.ready(), b.ready()])), cleanup };
});
runTransportContract("RedisTransport on a Redis Cluster (sharded pub/sub)", async () => {
  const { redis, prefix, cleanup } = await connectTestRedisCluster(inject("redisClusterNodes"));
  const a = new RedisTransport({ redis, prefix, consumerName: "a", blockMs: 200 });
  const b = new RedisTransport({ redis, prefix, consumerName: "b", blockMs: 200 });
  return { a, b, ready: async () => void (await Promise.all([a.ready(), b.ready()])), cleanup };
});

const job = (n: number): Envelope => createEnvelope({ topic: "q.job", payload: { n }, to: [], except: [], from: { nodeId: "test" } });
const numberOf = (envelope: Envelope) => (envelope.payload as { n: number }).n;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("RedisTransport work queues", () => {
  let test: Awaited<ReturnType<typeof connectTestRedis>>;
  const transports: RedisTransport[] = [];
  afterEach(async () => {
    await Promise.all(transports.splice(0).map((transport) => transport.close()));
    await test?.cleanup();
  });
  /** A transport on this test's Redis, closed after the test. */
  const transportOnTestRedis = (options: Omit<RedisTransportOptions, "redis" | "prefix">) => {
    const transport = new RedisTransport({ redis: test.redis, prefix: test.prefix, ...options });
    transports.push(transport);
    return transport;
  };
  const keyOf = (queue: string) => redisKeys(test.prefix).queue(queue);
  const group = () => `${test.prefix}workers`;
  const nothingPending = [0, null, null, null];
  const pendingCount = async (queue: string) => ((await test.redis.xpending(keyOf(queue), group())) as [number])[0];

  /** Jobs a worker read (as consumer "gone") and never acked: it died holding them. */
  async function jobsHeldByDeadWorker(queue: string, numbers: number[]) {
    const producer = transportOnTestRedis({ consumerName: "producer" });
    await test.redis.xgroup("CREATE", keyOf(queue), group(), "0", "MKSTREAM");
    for (const n of numbers) await producer.enqueue(queue, job(n));
    const read = (await test.redis.xreadgroup("GROUP", group(), "gone", "COUNT", 1_000, "STREAMS", keyOf(queue), ">")) as [
      string,
      [string, string[]][],
    ][];
    return read[0]?.[1].map(([id]) => id) ?? [];
  }

  it("never trims a queue: a backlog past 100,000 jobs keeps every job until a worker takes it", async () => {
    test = await connectTestRedis();
    const transport = transportOnTestRedis({ consumerName: "sender" });
    const total = 100_200;
    for (let from = 0; from < total; from += 5_000) {
      await Promise.all(Array.from({ length: Math.min(5_000, total - from) }, (_, i) => transport.enqueue("big", job(from + i))));
    }
    expect(await test.redis.xlen(keyOf("big"))).toBe(total);
  }, 20_000);

  it("deletes each job once acked, so the queue holds only jobs not yet done", async () => {
    test = await connectTestRedis();
    const transport = transportOnTestRedis({ consumerName: "worker", blockMs: 100 });
    const seen: number[] = [];
    const stop = transport.consume("jobs", async (envelope) => void seen.push(numberOf(envelope)));
    for (let n = 0; n < 30; n++) await transport.enqueue("jobs", job(n));
    await vi.waitFor(() => expect(seen).toHaveLength(30), { timeout: 10_000 });
    await stop();
    expect(await test.redis.xlen(keyOf("jobs"))).toBe(0);
    expect(await test.redis.xpending(keyOf("jobs"), group())).toEqual([0, null, null, null]);
  });

  it("skips the nil entries XAUTOCLAIM returns for jobs deleted meanwhile (Redis 6.2), and still runs the rest of the batch", async () => {
    test = await connectTestRedis();
    const claimIdleMs = 300;
    const held = await jobsHeldByDeadWorker("jobs", [1, 2, 3]);
    // Job 2 is deleted while the dead worker holds it: Redis 7 clears it from the pending list on
    // the next XAUTOCLAIM; Redis 6.2 replies nil in its place, as injected below.
    await test.redis.xdel(keyOf("jobs"), held[1] as string);
    const redis = test.redis;
    const withRedis62Replies = {
      duplicate() {
        const connection = redis.duplicate();
        const xautoclaim = connection.xautoclaim.bind(connection) as (...args: unknown[]) => Promise<[string, unknown[], ...unknown[]]>;
        (connection as unknown as { xautoclaim: unknown }).xautoclaim = async (...args: unknown[]) => {
          const [next, entries, ...rest] = await xautoclaim(...args);
          return [next, [null, [held[1], null], ...entries], ...rest];
        };
        return connection;
      },
    } as unknown as Redis;
    const errors: unknown[] = [];
    const transport = new RedisTransport({
      redis: withRedis62Replies,
      prefix: test.prefix,
      consumerName: "heir",
      claimIdleMs,
      blockMs: 100,
      onConsumerError: (error) => errors.push(error),
    });
    transports.push(transport);
    await new Promise((resolve) => setTimeout(resolve, claimIdleMs));
    const seen: number[] = [];
    transport.consume("jobs", async (envelope) => void seen.push(numberOf(envelope)));
    await vi.waitFor(() => expect(seen.sort()).toEqual([1, 3]), { timeout: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, claimIdleMs));
    expect(seen).toEqual([1, 3]);
    expect(errors).toEqual([]);
    expect(await test.redis.xpending(keyOf("jobs"), group())).toEqual([0, null, null, null]);
  });

  it("takes over all of a dead worker's jobs at once, batch after batch, not one batch per claim interval", async () => {
    test = await connectTestRedis();
    const claimIdleMs = 900;
    const numbers = Array.from({ length: 35 }, (_, n) => n);
    await jobsHeldByDeadWorker("jobs", numbers);
    await new Promise((resolve) => setTimeout(resolve, claimIdleMs));
    const transport = transportOnTestRedis({ consumerName: "heir", claimIdleMs, blockMs: 100 });
    const seenAt: number[] = [];
    const seen: number[] = [];
    transport.consume("jobs", async (envelope) => {
      seen.push(numberOf(envelope));
      seenAt.push(Date.now());
    });
    await vi.waitFor(() => expect(seen).toHaveLength(35), { timeout: 5_000 });
    // Claims are otherwise spaced claimIdleMs / 3 (300 ms) apart: four batches would take 900 ms.
    expect((seenAt.at(-1) ?? 0) - (seenAt[0] ?? 0)).toBeLessThan(claimIdleMs / 3);
    expect(seen.sort((x, y) => x - y)).toEqual(numbers);
  });

  it("sets a job whose handler throws aside in the dead-letter stream, deletes it from the queue, and leaves nothing pending", async () => {
    test = await connectTestRedis();
    const handlerErrors: [unknown, Envelope][] = [];
    const transport = transportOnTestRedis({
      consumerName: "worker",
      blockMs: 100,
      onHandlerError: (error, envelope) => handlerErrors.push([error, envelope]),
    });
    const failing = job(1);
    const failure = new Error("job 1 fails");
    const seen: number[] = [];
    await transport.enqueue("jobs", failing);
    await transport.enqueue("jobs", job(2));
    const stop = transport.consume("jobs", async (envelope) => {
      seen.push(numberOf(envelope));
      if (numberOf(envelope) === 1) throw failure;
    });
    await vi.waitFor(() => expect(seen).toEqual([1, 2]), { timeout: 5_000 });
    await stop();

    const deadLetters = await test.redis.xrange(redisKeys(test.prefix).deadLetters("jobs"), "-", "+");
    expect(deadLetters).toHaveLength(1); // the failing job, and not the one that succeeded
    const [field, text] = deadLetters[0]?.[1] ?? [];
    expect(field).toBe("envelope");
    expect(decodeEnvelope(text ?? "")).toEqual(failing);
    expect(handlerErrors).toEqual([[failure, failing]]);
    expect(seen).toEqual([1, 2]); // set aside, not retried
    expect(await test.redis.xlen(keyOf("jobs"))).toBe(0);
    expect(await test.redis.xpending(keyOf("jobs"), group())).toEqual(nothingPending);
  });

  it("reports a malformed queue entry with its stream key, never hands it to the handler, and goes on to the next job", async () => {
    test = await connectTestRedis();
    const malformed: string[] = [];
    const transport = transportOnTestRedis({ consumerName: "worker", blockMs: 100, onMalformed: (where) => malformed.push(where) });
    // Not JSON, then JSON that is no envelope; both ahead of a good job in the same stream.
    await test.redis.xadd(keyOf("jobs"), "*", "envelope", "{not json");
    await test.redis.xadd(keyOf("jobs"), "*", "envelope", JSON.stringify({ topic: "q.job", payload: { n: 0 } }));
    await transport.enqueue("jobs", job(7));
    const seen: Envelope[] = [];
    const stop = transport.consume("jobs", async (envelope) => void seen.push(envelope));
    await vi.waitFor(() => expect(seen).toHaveLength(1), { timeout: 5_000 });
    await stop();

    expect(seen.map(numberOf)).toEqual([7]);
    expect(malformed).toEqual([keyOf("jobs"), keyOf("jobs")]);
    // Acked and deleted like any job, so no other worker claims it again and again.
    expect(await test.redis.xlen(keyOf("jobs"))).toBe(0);
    expect(await test.redis.xpending(keyOf("jobs"), group())).toEqual(nothingPending);
  });

  it("reports a Redis error (its consumer group destroyed) and resumes consuming within a few seconds", async () => {
    test = await connectTestRedis();
    const errors: [unknown, string][] = [];
    const transport = transportOnTestRedis({
      consumerName: "worker",
      blockMs: 100,
      onConsumerError: (error, queue) => errors.push([error, queue]),
    });
    const seen: number[] = [];
    transport.consume("jobs", async (envelope) => void seen.push(numberOf(envelope)));
    await transport.enqueue("jobs", job(1));
    await vi.waitFor(() => expect(seen).toEqual([1]), { timeout: 5_000 });

    await test.redis.xgroup("DESTROY", keyOf("jobs"), group());
    await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0), { timeout: 2_000 });
    expect(String(errors[0]?.[0])).toMatch(/NOGROUP/);
    expect(errors[0]?.[1]).toBe("jobs");
    const erredAt = Date.now();
    await transport.enqueue("jobs", job(2));
    // The retry waits 500 ms, then recreates the group and reads again.
    await vi.waitFor(() => expect(seen).toEqual([1, 2]), { timeout: 3_000, interval: 20 });
    expect(Date.now() - erredAt).toBeLessThan(3_000);
    await sleep(300); // a few more reads: healthy again, not failing and retrying over and over
    expect(errors.length).toBeLessThanOrEqual(2);
    expect(seen).toEqual([1, 2]);
    expect(await test.redis.xpending(keyOf("jobs"), group())).toEqual(nothingPending);
  });

  it("stopping lets every job in hand finish and be acked before it resolves, can be called twice, and takes no job after", async () => {
    test = await connectTestRedis();
    const blockMs = 100;
    const transport = transportOnTestRedis({ consumerName: "worker", blockMs });
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const started: number[] = [];
    const finished: number[] = [];
    // Enqueued before consuming, so one read takes all three: one runs, two wait their turn.
    for (const n of [1, 2, 3]) await transport.enqueue("jobs", job(n));
    const stop = transport.consume("jobs", async (envelope) => {
      started.push(numberOf(envelope));
      await gate;
      finished.push(numberOf(envelope));
    });
    try {
      await vi.waitFor(() => expect(started).toEqual([1]), { timeout: 5_000 });
      expect(await pendingCount("jobs")).toBe(3);

      let finishedWhenStopped: number[] | undefined;
      const stopping = stop().then(() => {
        finishedWhenStopped = [...finished];
      });
      const stoppingAgain = stop();
      await transport.enqueue("jobs", job(4)); // while stopping: read nothing new
      await sleep(blockMs * 3);
      expect(finishedWhenStopped).toBeUndefined();
      expect(finished).toEqual([]);
      expect(await pendingCount("jobs")).toBe(3); // none acked before its handler finished

      release();
      await Promise.all([stopping, stoppingAgain]);
      expect(finishedWhenStopped).toEqual([1, 2, 3]);
      expect(await test.redis.xpending(keyOf("jobs"), group())).toEqual(nothingPending);
      await stop(); // once more, after it is done: resolves, throws nothing

      await transport.enqueue("jobs", job(5));
      await sleep(blockMs * 3);
      expect(started).toEqual([1, 2, 3]);
      // Jobs 4 and 5 wait, never delivered, for another worker.
      expect(await test.redis.xlen(keyOf("jobs"))).toBe(2);
      expect(await test.redis.xpending(keyOf("jobs"), group())).toEqual(nothingPending);
    } finally {
      release(); // a failed expectation must not leave close() waiting on the handlers
    }
  });
});

describe("RedisTransport targeted delivery", () => {
  let test: Awaited<ReturnType<typeof connectTestRedis>>;
  const transports: RedisTransport[] = [];
  afterEach(async () => {
    await Promise.all(transports.splice(0).map((transport) => transport.close()));
    await test?.cleanup();
  });
  /** A gateway's transport on this test's Redis, with what it received, closed after the test. */
  const gateway = (name: string) => {
    const transport = new RedisTransport({ redis: test.redis, prefix: test.prefix, consumerName: name });
    transports.push(transport);
    const topics: string[] = [];
    transport.subscribe((envelope) => topics.push(envelope.topic));
    return { transport, topics };
  };
  const envelope = (topic: string, to: Address[]) => createEnvelope({ topic, payload: {}, to, except: [], from: { nodeId: "sender" } });
  /** Two user ids whose slots differ, so neither's follower gets the other's envelopes. */
  const [userA, userB, userC] = ["user-a", "user-b", "user-c"];
  it("uses user ids in distinct slots", () => {
    const slots = new Set([userA, userB, userC].map((id) => slotOf(`user:${id}`, DEFAULT_BUS_SLOTS)));
    expect(slots.size).toBe(3);
  });

  it("hands its own envelopes to its listeners at once and drops Redis's echoes of them, undecoded", async () => {
    test = await connectTestRedis();
    const [one, two] = [gateway("g1"), gateway("g2")];
    await one.transport.follow(toUser(userA));
    await one.transport.follow(toUser(userB));
    await two.transport.follow(toUser(userB));
    await Promise.all([one, two].map(({ transport }) => transport.ready()));

    for (let i = 0; i < 100; i++) await one.transport.publish(envelope(`whisper-${i}`, [toUser(userA), toUser(userB)]));
    await one.transport.publish(envelope("marker", [everyone()]));
    await vi.waitFor(() => expect(two.topics).toContain("marker"));
    await vi.waitFor(() => expect(one.topics).toContain("marker"));
    await sleep(100); // an echo that got through would come right behind
    const whispers = Array.from({ length: 100 }, (_, i) => `whisper-${i}`);
    // Once each, in order, on the publisher as on the other gateway.
    expect(one.topics).toEqual([...whispers, "marker"]);
    expect(two.topics).toEqual([...whispers, "marker"]);
    // The publisher decoded none of the 101 envelopes (203 echoes, one per followed channel, dropped first).
    expect(one.transport.stats().received).toBe(0);
    expect(two.transport.stats().received).toBe(101);
  });

  it("brings a whisper only to the gateways of its two users, each once", async () => {
    test = await connectTestRedis();
    const [one, two, three] = [gateway("g1"), gateway("g2"), gateway("g3")];
    await one.transport.follow(toUser(userA));
    await two.transport.follow(toUser(userB));
    await three.transport.follow(toUser(userC));
    await Promise.all([one, two, three].map(({ transport }) => transport.ready()));

    await one.transport.publish(envelope("whisper", [toUser(userA), toUser(userB)]));
    await one.transport.publish(envelope("marker", [everyone()]));
    await vi.waitFor(() => expect([one, two, three].map(({ topics }) => topics.at(-1))).toEqual(["marker", "marker", "marker"]));
    expect(one.topics).toEqual(["whisper", "marker"]);
    expect(two.topics).toEqual(["whisper", "marker"]);
    expect(three.topics).toEqual(["marker"]);
    expect(three.transport.stats()).toEqual({ received: 1, channels: 3 });
  });

  it("listens to a bounded number of channels however many users, sockets and rooms it holds (2,000 follows, 16 slots)", async () => {
    test = await connectTestRedis();
    const transport = new RedisTransport({ redis: test.redis, prefix: test.prefix, consumerName: "busy", slots: 16 });
    transports.push(transport);
    transport.subscribe(() => {});
    const follows = Array.from({ length: 2_000 }, (_, n) => transport.follow(n % 2 ? toUser(`u${n}`) : toRoom(`r${n}`)));
    const unfollows = await Promise.all(follows);
    // Its own two (everyone, this node) and the 16 slots: never one per user or room.
    expect(transport.stats().channels).toBe(18);
    for (const unfollow of unfollows) unfollow();
    expect(transport.stats().channels).toBe(2);
  });

  it("sends one SUBSCRIBE per channel, however many follow it: 2,000 follows of 16 slots are 16 SUBSCRIBEs", async () => {
    test = await connectTestRedis();
    const subscribed: string[] = [];
    // The transport's subscriber connection is the one it duplicates: count what goes on it.
    const redis = test.redis.duplicate();
    const duplicate = redis.duplicate.bind(redis);
    redis.duplicate = () => {
      const subscriber = duplicate();
      const subscribe = subscriber.subscribe.bind(subscriber);
      subscriber.subscribe = ((...channels: string[]) => {
        subscribed.push(...channels);
        return subscribe(...channels);
      }) as typeof subscriber.subscribe;
      return subscriber;
    };
    const transport = new RedisTransport({ redis, prefix: test.prefix, consumerName: "many", slots: 16 });
    transports.push(transport);
    transport.subscribe(() => {});
    await transport.ready();
    const own = subscribed.length;
    const first = await Promise.all(Array.from({ length: 1_000 }, (_, n) => transport.follow(toUser(`u${n}`))));
    const later = await Promise.all(Array.from({ length: 1_000 }, (_, n) => transport.follow(toRoom(`r${n}`))));
    expect(subscribed.length - own).toBe(16);
    for (const unfollow of [...first, ...later]) unfollow();
    // Followed again after every follower left: subscribed again, once per channel.
    await transport.follow(toUser("u1"));
    expect(subscribed.length - own).toBe(17);
    redis.disconnect();
  });

  it("counts a follow that Redis refused as no follow: the channel is not held", async () => {
    test = await connectTestRedis(); // this block's afterEach cleans up each test's own connection
    const unreachable = new Redis("redis://127.0.0.1:1", { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    const transport = new RedisTransport({ redis: unreachable, consumerName: "cut-off" });
    transports.push(transport);
    await expect(transport.follow(toUser(userA))).rejects.toThrow();
    expect(transport.stats().channels).toBe(2);
    unreachable.disconnect();
  });

  it("stops bringing an address's envelopes once its last follower here unfollows", async () => {
    test = await connectTestRedis();
    const listener = gateway("listener");
    const sender = gateway("sender");
    const first = await listener.transport.follow(toUser(userA));
    const second = await listener.transport.follow(toUser(userA));
    await Promise.all([listener.transport.ready(), sender.transport.ready()]);
    first();
    await sender.transport.publish(envelope("still followed", [toUser(userA)]));
    second();
    await sleep(100); // the UNSUBSCRIBE, sent on the listener's connection, reaches Redis first
    await sender.transport.publish(envelope("left", [toUser(userA)]));
    await sender.transport.publish(envelope("marker", [toNode("listener")]));
    await vi.waitFor(() => expect(listener.topics.at(-1)).toBe("marker"));
    expect(listener.topics).toEqual(["still followed", "marker"]);
    expect(listener.transport.stats().channels).toBe(2);
  });
});
