/**
 * Work queues across real processes over Redis Streams: each job is taken by exactly one worker,
 * and a worker killed mid-way loses nothing (its unacknowledged jobs are claimed by another).
 */
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Bus, RedisTransport } from "whisk/bus";
import { redisKeys } from "whisk/core";
import { RedisSessionStore } from "whisk/session";
import { connectTestRedis, TEST_REDIS_URL } from "whisk/testing";
import { countWorkers } from "./fixtures/count-workers";
import { exited, runFixture } from "./processes";

let test: Awaited<ReturnType<typeof connectTestRedis>>;
let transport: RedisTransport;
let bus: Bus;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  test = await connectTestRedis();
  transport = new RedisTransport({ redis: test.redis, prefix: test.prefix, consumerName: "sender" });
  bus = new Bus(transport, "sender");
});
afterAll(async () => {
  for (const worker of workers) worker.kill("SIGKILL");
  await Promise.all(workers.map(exited));
  await transport.close();
  await test.cleanup();
});

const startWorker = async (nodeId: string, delayMs = 0) => {
  const worker = await runFixture(
    "counting-worker-process.ts",
    { REDIS_URL: TEST_REDIS_URL, PREFIX: test.prefix, NODE_ID: nodeId, DELAY_MS: String(delayMs) },
    "ready",
  );
  workers.push(worker);
  return worker;
};

async function counts(from: number, to: number) {
  const all = await test.redis.hgetall(`${test.prefix}counts`);
  const values = Array.from({ length: to - from }, (_, i) => Number(all[String(from + i)] ?? 0));
  return { processed: values.filter((v) => v > 0).length, duplicates: values.reduce((sum, v) => sum + Math.max(0, v - 1), 0) };
}

describe("worker queues over Redis, with real worker processes", () => {
  it("processes each of 1,000 jobs exactly once across two workers", async () => {
    await Promise.all([startWorker("worker-a"), startWorker("worker-b")]);
    for (let n = 0; n < 1000; n++) await bus.send(countWorkers.queues.job, { n });
    await vi.waitFor(async () => expect((await counts(0, 1000)).processed).toBe(1000), { timeout: 30_000, interval: 100 });
    const result = await counts(0, 1000);
    console.log(`queue: 1000 jobs, 2 workers -> processed ${result.processed}, duplicates ${result.duplicates}`);
    expect(result.duplicates).toBe(0);
  });

  it("answers a request from another process with the worker's typed return value", async () => {
    const result = await bus.request(countWorkers.queues.double, { n: 21 }, { timeoutMs: 5_000 });
    expect(result).toEqual({ status: "ok", data: { doubled: 42, by: expect.stringMatching(/^worker-[ab]$/) } });
  });

  it("shares sessions with a worker process both ways", async () => {
    const sessions = new RedisSessionStore(test.redis, test.prefix);
    const session = await sessions.create({ userId: "u1", userName: "Ann", data: { colour: "teal" } }, 60_000);
    const result = await bus.request(countWorkers.queues.greet, { sessionId: session.id });
    expect(result).toEqual({ status: "ok", data: { greeting: "hello Ann, you like teal" } });
    expect((await sessions.get(session.id))?.data.greetedBy).toMatch(/^worker-[ab]$/);
  });

  it("loses no job when a worker is killed mid-way", async () => {
    for (const worker of workers.splice(0)) {
      worker.kill("SIGTERM");
      await exited(worker);
    }
    const [slowA] = await Promise.all([startWorker("worker-c", 3), startWorker("worker-d", 3)]);
    for (let n = 1000; n < 2000; n++) await bus.send(countWorkers.queues.job, { n });
    await vi.waitFor(async () => expect((await counts(1000, 2000)).processed).toBeGreaterThan(200), { timeout: 30_000, interval: 20 });
    slowA?.kill("SIGKILL");
    const killedAt = (await counts(1000, 2000)).processed;
    await vi.waitFor(async () => expect((await counts(1000, 2000)).processed).toBe(1000), { timeout: 60_000, interval: 100 });
    const result = await counts(1000, 2000);
    console.log(
      `queue: 1000 jobs, worker killed after ${killedAt} -> processed ${result.processed}, lost 0, duplicates ${result.duplicates}`,
    );
    // At-least-once: only a job in flight at the kill may run twice.
    expect(result.duplicates).toBeLessThanOrEqual(1);
  });

  it("runs no job twice when a worker is stopped mid-way (SIGTERM, as in a deploy)", async () => {
    const [stopping] = await Promise.all([startWorker("worker-e", 3), startWorker("worker-f", 3)]);
    for (let n = 2000; n < 3000; n++) await bus.send(countWorkers.queues.job, { n });
    await vi.waitFor(async () => expect((await counts(2000, 3000)).processed).toBeGreaterThan(200), { timeout: 30_000, interval: 20 });
    stopping?.kill("SIGTERM");
    if (stopping) await exited(stopping);
    const stoppedAt = (await counts(2000, 3000)).processed;
    await vi.waitFor(async () => expect((await counts(2000, 3000)).processed).toBe(1000), { timeout: 30_000, interval: 100 });
    // Anything the stopped worker had left pending would be claimed and run again after 1 s.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const result = await counts(2000, 3000);
    console.log(`queue: 1000 jobs, worker stopped after ${stoppedAt} -> processed ${result.processed}, duplicates ${result.duplicates}`);
    expect(result.duplicates).toBe(0);
    expect(
      await test.redis.xpending(redisKeys(test.prefix).queue(countWorkers.queues.job.name), redisKeys(test.prefix).workerGroup),
    ).toEqual([0, null, null, null]);
  });
});
