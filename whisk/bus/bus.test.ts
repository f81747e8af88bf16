import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { everyone, toNode, toRoom, toSocket, toUser } from "../core/address";
import type { Envelope } from "../core/envelope";
import { Bus } from "./bus";
import { MemoryTransport } from "./memory-transport";
import { queue, topic } from "./topic";

const said = topic("room.said", z.object({ text: z.string().min(1), loud: z.boolean().default(false) }));
const jobs = queue("mail.send", z.object({ n: z.number() }));

const transports: MemoryTransport[] = [];
function newBus(nodeId = "ws-1", onHandlerError?: (error: unknown, envelope: Envelope) => void) {
  const transport = new MemoryTransport(onHandlerError);
  transports.push(transport);
  return { bus: new Bus(transport, nodeId), transport };
}

afterEach(async () => {
  await Promise.all(transports.splice(0).map((transport) => transport.close()));
});

/** Lets every queued microtask run: a setImmediate callback only runs once the microtask queue is empty. */
const drainMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A promise of the next `count` envelopes a bus subscriber receives. */
function nextPublished(bus: Bus, count = 1): Promise<Envelope[]> {
  return new Promise((resolve) => {
    const received: Envelope[] = [];
    const stop = bus.onPublished((envelope) => {
      received.push(envelope);
      if (received.length === count) {
        stop();
        resolve(received);
      }
    });
  });
}

/** Queue consumers that record what they got, and a way to wait until `count` jobs arrived in total. */
function recordingConsumers() {
  const got: { consumer: string; n: number }[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  return {
    got,
    handler: (name: string) => async (envelope: Envelope) => {
      got.push({ consumer: name, n: (envelope.payload as { n: number }).n });
      for (const waiter of waiters) if (got.length >= waiter.count) waiter.resolve();
    },
    until: (count: number) =>
      new Promise<void>((resolve) => {
        if (got.length >= count) resolve();
        else waiters.push({ count, resolve });
      }),
  };
}

describe("Bus publish", () => {
  it("delivers a published message to every subscriber", async () => {
    const { bus } = newBus();
    const first = nextPublished(bus);
    const second = nextPublished(bus);
    await bus.everyone().publish(said, { text: "hi" });
    const [[a], [b]] = await Promise.all([first, second]);
    expect(a?.payload).toEqual({ text: "hi", loud: false });
    expect(b?.payload).toEqual({ text: "hi", loud: false });
  });

  it("delivers asynchronously: no subscriber runs before publish returns", async () => {
    const { bus } = newBus();
    const listener = vi.fn();
    bus.onPublished(listener);
    const delivered = nextPublished(bus);
    const publishing = bus.everyone().publish(said, { text: "hi" });
    expect(listener).not.toHaveBeenCalled();
    await publishing;
    await delivered;
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it("gives each subscriber its own copy, so one subscriber changing it does not affect another", async () => {
    const { bus } = newBus();
    bus.onPublished((envelope) => {
      (envelope.payload as { text: string }).text = "tampered";
      envelope.to.push(toUser("intruder"));
    });
    const delivered = nextPublished(bus);
    await bus.to(toRoom("beach")).publish(said, { text: "hi" });
    const [envelope] = await delivered;
    expect(envelope?.payload).toEqual({ text: "hi", loud: false });
    expect(envelope?.to).toEqual([toRoom("beach")]);
  });

  it("stops delivering to a subscriber after it unsubscribes", async () => {
    const { bus } = newBus();
    const stopped = vi.fn();
    const stop = bus.onPublished(stopped);
    stop();
    const delivered = nextPublished(bus);
    await bus.everyone().publish(said, { text: "hi" });
    await delivered;
    await drainMicrotasks();
    expect(stopped).not.toHaveBeenCalled();
  });

  it("puts the addresses, the excluded sockets, the topic, the parsed payload and this node's id on the envelope", async () => {
    const { bus } = newBus("ws-7");
    const delivered = nextPublished(bus);
    const before = Date.now();
    await bus.to(toRoom("beach"), toUser("u1")).except("sock-1", "sock-2").publish(said, { text: "hi" });
    const after = Date.now();
    const [envelope] = await delivered;
    expect(envelope).toEqual({
      id: expect.stringMatching(/^[\w-]{16}\.[0-9a-z]+$/),
      topic: "room.said",
      payload: { text: "hi", loud: false },
      to: [toRoom("beach"), toUser("u1")],
      except: ["sock-1", "sock-2"],
      from: { nodeId: "ws-7" },
      sentAt: expect.any(Number),
    });
    expect(envelope?.sentAt).toBeGreaterThanOrEqual(before);
    expect(envelope?.sentAt).toBeLessThanOrEqual(after);
  });

  it("addresses everyone explicitly, with the everyone address, through everyone()", async () => {
    const { bus } = newBus();
    const delivered = nextPublished(bus);
    await bus.everyone().publish(said, { text: "hi" });
    const [envelope] = await delivered;
    expect(envelope?.to).toEqual([everyone()]);
    expect(envelope?.except).toEqual([]);
  });

  it("sends nothing to nobody: an empty address list (e.g. an empty spread of recipients) never becomes everyone", async () => {
    const { bus } = newBus();
    const listener = vi.fn();
    bus.onPublished(listener);
    const recipients: string[] = [];
    await bus.to(...recipients.map(toUser)).publish(said, { text: "private" });
    await bus.to().except("sock-1").publish(said, { text: "private" });
    // A message published afterwards arrives, so the two above would have arrived first.
    const delivered = nextPublished(bus);
    await bus.to(toUser("u1")).publish(said, { text: "after" });
    await delivered;
    await drainMicrotasks();
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]?.[0]).toMatchObject({ to: [toUser("u1")], payload: { text: "after" } });
  });

  it("gives every envelope a new id", async () => {
    const { bus } = newBus();
    const delivered = nextPublished(bus, 2);
    await bus.everyone().publish(said, { text: "one" });
    await bus.everyone().publish(said, { text: "two" });
    const [first, second] = await delivered;
    expect(first?.id).not.toBe(second?.id);
  });

  it("keeps a saved target unchanged when .to() and .except() are called on it", async () => {
    const { bus } = newBus();
    const room = bus.to(toRoom("beach"));
    const narrower = room.to(toUser("u1")).except("sock-1");
    room.except("sock-2");
    room.to(toSocket("sock-3"));

    const delivered = nextPublished(bus, 2);
    await room.publish(said, { text: "to the room" });
    await narrower.publish(said, { text: "to the room and u1, not sock-1" });
    const [fromRoom, fromNarrower] = await delivered;
    expect(fromRoom?.to).toEqual([toRoom("beach")]);
    expect(fromRoom?.except).toEqual([]);
    expect(fromNarrower?.to).toEqual([toRoom("beach"), toUser("u1")]);
    expect(fromNarrower?.except).toEqual(["sock-1"]);
  });

  it("keeps the everyone() target unchanged when .to() is called on it", async () => {
    const { bus } = newBus();
    const all = bus.everyone();
    all.to(toNode("ws-2"));
    const delivered = nextPublished(bus);
    await all.publish(said, { text: "hi" });
    const [envelope] = await delivered;
    expect(envelope?.to).toEqual([everyone()]);
  });

  it("does not let changing the caller's address array afterwards change a saved target", async () => {
    const { bus } = newBus();
    const addresses = [toRoom("beach")];
    const target = bus.to(...addresses);
    addresses.push(toUser("intruder"));
    const delivered = nextPublished(bus);
    await target.publish(said, { text: "hi" });
    const [envelope] = await delivered;
    expect(envelope?.to).toEqual([toRoom("beach")]);
  });

  it("throws on a payload that fails the topic's schema, naming the topic, and sends nothing", async () => {
    const { bus } = newBus();
    const listener = vi.fn();
    bus.onPublished(listener);
    await expect(async () => bus.everyone().publish(said, { text: "" })).rejects.toThrow(/topic "room\.said" does not match its schema/);
    await expect(async () => bus.everyone().publish(said, { wrong: 1 } as unknown as { text: string })).rejects.toThrow();
    await drainMicrotasks();
    expect(listener).not.toHaveBeenCalled();
  });

  it("publishes a control topic with no schema, addressed as asked", async () => {
    const { bus } = newBus("ws-2");
    const delivered = nextPublished(bus);
    await bus.publishControl("whisk.disconnect", {}, [toUser("u1")]);
    const [envelope] = await delivered;
    expect(envelope).toMatchObject({ topic: "whisk.disconnect", payload: {}, to: [toUser("u1")], except: [], from: { nodeId: "ws-2" } });
  });
});

describe("Bus send (work queues)", () => {
  it("hands a job to exactly one of two consumers of the queue", async () => {
    const { bus } = newBus();
    const consumers = recordingConsumers();
    bus.onQueue(jobs.name, consumers.handler("a"));
    bus.onQueue(jobs.name, consumers.handler("b"));
    await bus.send(jobs, { n: 1 });
    await consumers.until(1);
    await drainMicrotasks();
    expect(consumers.got).toHaveLength(1);
    expect(consumers.got[0]?.n).toBe(1);
  });

  it("makes two consumers of one queue take turns", async () => {
    const { bus } = newBus();
    const consumers = recordingConsumers();
    bus.onQueue(jobs.name, consumers.handler("a"));
    bus.onQueue(jobs.name, consumers.handler("b"));
    for (let n = 1; n <= 4; n++) await bus.send(jobs, { n });
    await consumers.until(4);
    await drainMicrotasks();
    expect(consumers.got).toHaveLength(4);
    expect(consumers.got.map((job) => job.n).sort()).toEqual([1, 2, 3, 4]);
    const byConsumer = (name: string) => consumers.got.filter((job) => job.consumer === name).map((job) => job.n);
    expect(byConsumer("a")).toHaveLength(2);
    expect(byConsumer("b")).toHaveLength(2);
    const order = consumers.got.map((job) => job.consumer);
    for (let i = 1; i < order.length; i++) expect(order[i]).not.toBe(order[i - 1]);
  });

  it("does not deliver a job to a consumer of another queue", async () => {
    const { bus } = newBus();
    const other = vi.fn(async () => {});
    bus.onQueue("mail.other", other);
    const consumers = recordingConsumers();
    bus.onQueue(jobs.name, consumers.handler("a"));
    await bus.send(jobs, { n: 1 });
    await consumers.until(1);
    await drainMicrotasks();
    expect(other).not.toHaveBeenCalled();
  });

  it("keeps a job sent before any consumer exists and delivers it once one subscribes", async () => {
    const { bus } = newBus();
    await bus.send(jobs, { n: 1 });
    await bus.send(jobs, { n: 2 });
    await drainMicrotasks();
    const consumers = recordingConsumers();
    bus.onQueue(jobs.name, consumers.handler("late"));
    await consumers.until(2);
    expect(consumers.got).toEqual([
      { consumer: "late", n: 1 },
      { consumer: "late", n: 2 },
    ]);
  });

  it("keeps a job sent after the last consumer unsubscribed for the next consumer", async () => {
    const { bus } = newBus();
    const gone = vi.fn(async () => {});
    bus.onQueue(jobs.name, gone)();
    await bus.send(jobs, { n: 1 });
    const consumers = recordingConsumers();
    bus.onQueue(jobs.name, consumers.handler("next"));
    await consumers.until(1);
    expect(consumers.got).toEqual([{ consumer: "next", n: 1 }]);
    expect(gone).not.toHaveBeenCalled();
  });

  it("puts the queue name, the parsed payload and this node's id on a job's envelope", async () => {
    const { bus } = newBus("worker-3");
    const received = new Promise<Envelope>((resolve) => bus.onQueue(jobs.name, async (envelope) => resolve(envelope)));
    await bus.send(jobs, { n: 5 });
    expect(await received).toMatchObject({ topic: "mail.send", payload: { n: 5 }, to: [], except: [], from: { nodeId: "worker-3" } });
  });

  it("rejects a job whose payload fails the queue's schema, and enqueues nothing", async () => {
    const { bus } = newBus();
    await expect(bus.send(jobs, { n: "one" } as unknown as { n: number })).rejects.toThrow(/queue "mail\.send" does not match its schema/);
    const consumer = vi.fn(async () => {});
    bus.onQueue(jobs.name, consumer);
    await drainMicrotasks();
    expect(consumer).not.toHaveBeenCalled();
  });

  it("does not hand jobs to the bus's publish subscribers", async () => {
    const { bus } = newBus();
    const listener = vi.fn();
    bus.onPublished(listener);
    const consumed = new Promise<void>((resolve) => bus.onQueue(jobs.name, async () => resolve()));
    await bus.send(jobs, { n: 1 });
    await consumed;
    await drainMicrotasks();
    expect(listener).not.toHaveBeenCalled();
  });

  it("reports a consumer that throws to the transport's onHandlerError, with the error and the envelope", async () => {
    const reported = new Promise<{ error: unknown; envelope: Envelope }>((resolve) => {
      const { bus } = newBus("ws-1", (error, envelope) => resolve({ error, envelope }));
      const boom = new Error("consumer failed");
      bus.onQueue(jobs.name, async () => {
        throw boom;
      });
      void bus.send(jobs, { n: 9 });
    });
    const { error, envelope } = await reported;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("consumer failed");
    expect(envelope).toMatchObject({ topic: "mail.send", payload: { n: 9 } });
  });
});
