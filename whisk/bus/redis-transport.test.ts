import type { Redis } from "ioredis";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createEnvelope, type Envelope } from "../core/envelope";
import { runTransportContract } from "../testing/contracts/transport-contract";
import { connectTestRedis } from "../testing/redis-for-tests";
import { RedisTransport } from "./redis-transport";

runTransportContract("RedisTransport", async () => {
  const { redis, prefix, cleanup } = await connectTestRedis();
  const a = new RedisTransport({ redis, prefix, consumerName: "a", blockMs: 200 });
  const b = new RedisTransport({ redis, prefix, consumerName: "b", blockMs: 200 });
  return { a, b, ready: async () => void (await Promise.all([a.ready(), b.ready()])), cleanup };
});

const job = (n: number): Envelope => createEnvelope({ topic: "q.job", payload: { n }, to: [], except: [], from: { nodeId: "test" } });
const numberOf = (envelope: Envelope) => (envelope.payload as { n: number }).n;

describe("RedisTransport work queues", () => {
  let test: Awaited<ReturnType<typeof connectTestRedis>>;
  const transports: RedisTransport[] = [];
  afterEach(async () => {
    await Promise.all(transports.splice(0).map((transport) => transport.close()));
    await test?.cleanup();
  });
  const keyOf = (queue: string) => `${test.prefix}queue:${queue}`;
  const group = () => `${test.prefix}workers`;

  /** Jobs a worker read (as consumer "gone") and never acked: it died holding them. */
  async function jobsHeldByDeadWorker(queue: string, numbers: number[]) {
    const producer = new RedisTransport({ redis: test.redis, prefix: test.prefix, consumerName: "producer" });
    transports.push(producer);
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
    const transport = new RedisTransport({ redis: test.redis, prefix: test.prefix, consumerName: "sender" });
    transports.push(transport);
    const total = 100_200;
    for (let from = 0; from < total; from += 5_000) {
      await Promise.all(Array.from({ length: Math.min(5_000, total - from) }, (_, i) => transport.enqueue("big", job(from + i))));
    }
    expect(await test.redis.xlen(keyOf("big"))).toBe(total);
  }, 20_000);

  it("deletes each job once acked, so the queue holds only jobs not yet done", async () => {
    test = await connectTestRedis();
    const transport = new RedisTransport({ redis: test.redis, prefix: test.prefix, consumerName: "worker", blockMs: 100 });
    transports.push(transport);
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
    const transport = new RedisTransport({ redis: test.redis, prefix: test.prefix, consumerName: "heir", claimIdleMs, blockMs: 100 });
    transports.push(transport);
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
});
