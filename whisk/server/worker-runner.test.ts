import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { Bus } from "../bus/bus";
import { MemoryTransport } from "../bus/memory-transport";
import { RedisTransport } from "../bus/redis-transport";
import { queue } from "../bus/topic";
import type { Envelope } from "../core/envelope";
import { redisKeys } from "../core/redis-keys";
import { MemoryHistoryStore } from "../history/memory-history-store";
import { MemorySessionStore } from "../session/memory-session-store";
import { connectTestRedis } from "../testing/redis-for-tests";
import { createBuilders } from "./builders";
import type { HandlerContext } from "./definitions";
import { defineWorkers } from "./groups";
import { startWorkers } from "./worker-runner";

interface AppContext {
  mailer: { sent: string[] };
}

const { work } = createBuilders<AppContext>();

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger writing JSON lines to memory, and a way to wait for the first line matching a message. */
function memoryLogger() {
  const lines: LogLine[] = [];
  const waiters: { msg: string; resolve: (line: LogLine) => void }[] = [];
  const log = pino(
    { level: "debug" },
    {
      write(chunk: string) {
        const line = JSON.parse(chunk) as LogLine;
        lines.push(line);
        for (const waiter of waiters) if (waiter.msg === line.msg) waiter.resolve(line);
      },
    },
  );
  return {
    log,
    lines,
    next: (msg: string) =>
      new Promise<LogLine>((resolve) => {
        const found = lines.find((line) => line.msg === msg);
        if (found) resolve(found);
        else waiters.push({ msg, resolve });
      }),
  };
}

const transports: MemoryTransport[] = [];
function setUp(options: { onHandlerError?: (error: unknown, envelope: Envelope) => void } = {}) {
  const transport = new MemoryTransport(options.onHandlerError);
  transports.push(transport);
  const bus = new Bus(transport, "worker-1");
  const logger = memoryLogger();
  const ctx: HandlerContext<AppContext> = {
    services: { mailer: { sent: [] } },
    bus,
    sessions: new MemorySessionStore(),
    history: new MemoryHistoryStore(),
    node: { id: "worker-1" },
    log: logger.log,
  };
  return { bus, ctx, logger };
}

afterEach(async () => {
  await Promise.all(transports.splice(0).map((transport) => transport.close()));
});

/** Lets every queued microtask run: a setImmediate callback only runs once the microtask queue is empty. */
const drainMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A worker handler that resolves `calls` with each (payload, ctx) it is called with. */
function recordingHandler<P>() {
  const calls: { payload: P; ctx: HandlerContext<AppContext> }[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const handler = vi.fn(async (payload: P, ctx: HandlerContext<AppContext>) => {
    calls.push({ payload, ctx });
    for (const waiter of waiters) if (calls.length >= waiter.count) waiter.resolve();
  });
  const until = (count: number) =>
    new Promise<void>((resolve) => {
      if (calls.length >= count) resolve();
      else waiters.push({ count, resolve });
    });
  return { handler, calls, until };
}

describe("startWorkers", () => {
  it("runs a worker's handler with the parsed payload and the handler context, app context included", async () => {
    const { bus, ctx } = setUp();
    const recorder = recordingHandler<{ to: string; subject: string }>();
    const mail = defineWorkers("mail", {
      send: work(z.object({ to: z.string().min(3), subject: z.string().default("(no subject)") })).handle(recorder.handler),
    });
    startWorkers(bus, [mail], ctx);
    await bus.send(mail.queues.send, { to: "ada@example.com" });
    await recorder.until(1);
    expect(recorder.calls).toHaveLength(1);
    expect(recorder.calls[0]?.payload).toStrictEqual({ to: "ada@example.com", subject: "(no subject)" });
    expect(recorder.calls[0]?.ctx).toBe(ctx);
    expect(recorder.calls[0]?.ctx.services).toBe(ctx.services);
  });

  it("lets a handler use the app context it is given", async () => {
    const { bus, ctx } = setUp();
    const done = new Promise<void>((resolve) => {
      const mail = defineWorkers("mail", {
        send: work(z.object({ to: z.string() })).handle(async ({ to }, workerCtx) => {
          workerCtx.services.mailer.sent.push(to);
          resolve();
        }),
      });
      startWorkers(bus, [mail], ctx);
      void bus.send(mail.queues.send, { to: "bob@example.com" });
    });
    await done;
    expect(ctx.services.mailer.sent).toEqual(["bob@example.com"]);
  });

  it("consumes the queue named group.key of every worker in every group, each with its own handler", async () => {
    const { bus, ctx } = setUp();
    const send = recordingHandler<{ n: number }>();
    const bounce = recordingHandler<{ n: number }>();
    const resize = recordingHandler<{ n: number }>();
    const mail = defineWorkers("mail", {
      send: work(z.object({ n: z.number() })).handle(send.handler),
      bounce: work(z.object({ n: z.number() })).handle(bounce.handler),
    });
    const images = defineWorkers("images", { resize: work(z.object({ n: z.number() })).handle(resize.handler) });
    expect(mail.queues.send.name).toBe("mail.send");
    expect(images.queues.resize.name).toBe("images.resize");
    startWorkers(bus, [mail, images], ctx);
    await bus.send(mail.queues.send, { n: 1 });
    await bus.send(mail.queues.bounce, { n: 2 });
    await bus.send(images.queues.resize, { n: 3 });
    await Promise.all([send.until(1), bounce.until(1), resize.until(1)]);
    await drainMicrotasks();
    expect(send.calls.map((call) => call.payload)).toEqual([{ n: 1 }]);
    expect(bounce.calls.map((call) => call.payload)).toEqual([{ n: 2 }]);
    expect(resize.calls.map((call) => call.payload)).toEqual([{ n: 3 }]);
  });

  it("drops a job whose payload does not match the worker's schema, without calling the handler, and logs a warning", async () => {
    const { bus, ctx, logger } = setUp();
    const recorder = recordingHandler<{ n: number }>();
    const mail = defineWorkers("mail", { send: work(z.object({ n: z.number() })).handle(recorder.handler) });
    startWorkers(bus, [mail], ctx);
    // The bus checks payloads on send, so the bad job comes through a looser queue of the same name.
    const loose = queue("mail.send", z.unknown());
    await bus.send(loose, { n: "not a number" });
    const warning = await logger.next("job does not match its worker's schema; dropped");
    expect(warning).toMatchObject({ level: 40, component: "worker", queue: "mail.send", envelopeId: expect.any(String) });
    expect(JSON.stringify(warning)).not.toContain("not a number");
    await drainMicrotasks();
    expect(recorder.handler).not.toHaveBeenCalled();
  });

  it("keeps working after dropping a bad job: the next good job still runs", async () => {
    const { bus, ctx, logger } = setUp();
    const recorder = recordingHandler<{ n: number }>();
    const mail = defineWorkers("mail", { send: work(z.object({ n: z.number() })).handle(recorder.handler) });
    startWorkers(bus, [mail], ctx);
    await bus.send(queue("mail.send", z.unknown()), { n: "bad" });
    await logger.next("job does not match its worker's schema; dropped");
    await bus.send(mail.queues.send, { n: 2 });
    await recorder.until(1);
    expect(recorder.calls.map((call) => call.payload)).toEqual([{ n: 2 }]);
  });

  it("logs a handler that throws, with the queue, and passes the error on to the transport", async () => {
    const boom = new Error("smtp down");
    let report: (error: unknown) => void = () => {};
    const reported = new Promise<unknown>((resolve) => {
      report = resolve;
    });
    const { bus, ctx, logger } = setUp({ onHandlerError: (error) => report(error) });
    const mail = defineWorkers("mail", {
      send: work(z.object({ n: z.number() })).handle(async () => {
        throw boom;
      }),
    });
    startWorkers(bus, [mail], ctx);
    await bus.send(mail.queues.send, { n: 1 });
    const [line, error] = await Promise.all([logger.next("worker threw"), reported]);
    expect(line).toMatchObject({ level: 50, component: "worker", queue: "mail.send", err: { message: "smtp down" } });
    expect(error).toBe(boom);
  });

  it("returns a function that stops consuming: a job sent afterwards is not handled and waits for another consumer", async () => {
    const { bus, ctx } = setUp();
    const recorder = recordingHandler<{ n: number }>();
    const mail = defineWorkers("mail", { send: work(z.object({ n: z.number() })).handle(recorder.handler) });
    const stop = startWorkers(bus, [mail], ctx);
    await bus.send(mail.queues.send, { n: 1 });
    await recorder.until(1);

    stop();
    await bus.send(mail.queues.send, { n: 2 });
    await drainMicrotasks();
    expect(recorder.calls.map((call) => call.payload)).toEqual([{ n: 1 }]);

    const next = new Promise<unknown>((resolve) => bus.onQueue("mail.send", async (envelope) => resolve(envelope.payload)));
    expect(await next).toEqual({ n: 2 });
    expect(recorder.handler).toHaveBeenCalledTimes(1);
  });

  it("stops every queue of every group with the one function it returns", async () => {
    const { bus, ctx } = setUp();
    const send = recordingHandler<{ n: number }>();
    const resize = recordingHandler<{ n: number }>();
    const mail = defineWorkers("mail", { send: work(z.object({ n: z.number() })).handle(send.handler) });
    const images = defineWorkers("images", { resize: work(z.object({ n: z.number() })).handle(resize.handler) });
    startWorkers(bus, [mail, images], ctx)();
    await bus.send(mail.queues.send, { n: 1 });
    await bus.send(images.queues.resize, { n: 2 });
    await drainMicrotasks();
    expect(send.handler).not.toHaveBeenCalled();
    expect(resize.handler).not.toHaveBeenCalled();
  });

  it("resolves its stop only once the job in hand has finished", async () => {
    const { bus, ctx } = setUp();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const finished: number[] = [];
    const started = recordingHandler<{ n: number }>();
    const mail = defineWorkers("mail", {
      send: work(z.object({ n: z.number() })).handle(async (payload, workerCtx) => {
        await started.handler(payload, workerCtx);
        await gate;
        finished.push(payload.n);
      }),
    });
    const stop = startWorkers(bus, [mail], ctx);
    await bus.send(mail.queues.send, { n: 1 });
    await started.until(1);
    let stopped = false;
    const stopping = stop().then(() => {
      stopped = true;
    });
    await drainMicrotasks();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toEqual([1]);
  });

  it("consumes nothing and returns a harmless stop function for an app with no workers", () => {
    const { bus, ctx } = setUp();
    const stop = startWorkers(bus, [], ctx);
    expect(() => stop()).not.toThrow();
  });
});

describe("startWorkers over Redis", () => {
  const claimIdleMs = 300;
  let test: Awaited<ReturnType<typeof connectTestRedis>>;
  const redisTransports: RedisTransport[] = [];
  afterEach(async () => {
    await Promise.all(redisTransports.splice(0).map((transport) => transport.close()));
    await test?.cleanup();
  });

  /** A worker process's bus over real Redis, claiming jobs idle for `claimIdleMs` (30 s in production). */
  function redisWorker(nodeId: string) {
    const transport = new RedisTransport({ redis: test.redis, prefix: test.prefix, consumerName: nodeId, claimIdleMs, blockMs: 100 });
    redisTransports.push(transport);
    const bus = new Bus(transport, nodeId);
    const ctx: HandlerContext<AppContext> = {
      services: { mailer: { sent: [] } },
      bus,
      sessions: new MemorySessionStore(),
      history: new MemoryHistoryStore(),
      node: { id: nodeId },
      log: pino({ level: "silent" }),
    };
    return { bus, ctx };
  }

  it("when stopped mid-job, finishes that job and the ones read with it, acks each once, and none runs again elsewhere", async () => {
    test = await connectTestRedis();
    const queueKey = redisKeys(test.prefix).queue("mail.send");
    const groupName = `${test.prefix}workers`;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let firstStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      firstStarted = resolve;
    });
    const ranOnA: number[] = [];
    const ranOnB = recordingHandler<{ n: number }>();
    const slowMail = defineWorkers("mail", {
      send: work(z.object({ n: z.number() })).handle(async ({ n }) => {
        ranOnA.push(n);
        if (n === 1) {
          firstStarted();
          await gate;
        }
      }),
    });
    const otherMail = defineWorkers("mail", { send: work(z.object({ n: z.number() })).handle(ranOnB.handler) });

    // Five jobs waiting, so worker A reads them in one batch and holds all five while job 1 runs.
    const a = redisWorker("worker-a");
    for (let n = 1; n <= 5; n++) await a.bus.send(slowMail.queues.send, { n });
    const stopA = startWorkers(a.bus, [slowMail], a.ctx);
    await started;

    // The deploy stops worker A while job 1 runs: the stop waits for it.
    let stopped = false;
    const stopping = stopA().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stopped).toBe(false);
    release();
    await stopping;

    expect(ranOnA).toEqual([1, 2, 3, 4, 5]);
    expect(await test.redis.xpending(queueKey, groupName)).toEqual([0, null, null, null]);
    expect(await test.redis.xlen(queueKey)).toBe(0);

    // Worker B takes over; it would claim anything left pending after `claimIdleMs`, but only gets the new job.
    const b = redisWorker("worker-b");
    startWorkers(b.bus, [otherMail], b.ctx);
    await b.bus.send(otherMail.queues.send, { n: 6 });
    await ranOnB.until(1);
    await new Promise((resolve) => setTimeout(resolve, claimIdleMs * 3));
    expect(ranOnB.calls.map((call) => call.payload)).toEqual([{ n: 6 }]);
    expect(ranOnA).toEqual([1, 2, 3, 4, 5]);
  });
});
