import { EventEmitter } from "node:events";
import { beforeEach, describe, expect, it } from "vitest";
import { checkSlowClientPolicy, type SlowClientPolicy, SlowClientQueues, type SlowClientTarget } from "./slow-client-queues";

/**
 * A socket with an engine.io-like connection: what it is emitted lands in `writeBuffer` until
 * `read()` hands the buffer over, which (like engine.io's flush) empties it and emits "drain".
 */
class FakeSocket {
  /** Every socket of the test that is open, as the gateway knows its connections. */
  static readonly open = new Set<FakeSocket>();
  readonly received: [string, unknown][] = [];
  closed = false;
  readonly conn = Object.assign(new EventEmitter(), {
    writeBuffer: [] as [string, unknown][],
    close: (_discard: boolean) => {
      this.closed = true;
      FakeSocket.open.delete(this);
      this.conn.writeBuffer = [];
      this.conn.emit("close");
    },
  });
  /** `reading`: a fast client, whose transport takes each packet at once (the buffer stays empty). */
  constructor(
    readonly id: string,
    private readonly reading = false,
  ) {
    FakeSocket.open.add(this);
  }
  emit(event: string, payload: unknown) {
    if (this.closed) return;
    if (this.reading) this.received.push([event, payload]);
    else this.conn.writeBuffer.push([event, payload]);
  }
  /** The client reads once: everything buffered now, then engine.io's "drain". */
  read(): [string, unknown][] {
    const batch = this.conn.writeBuffer;
    this.conn.writeBuffer = [];
    this.received.push(...batch);
    if (batch.length > 0) this.conn.emit("drain");
    return batch;
  }
  /** Reads until nothing is left; returns every payload of `topic`, in order. */
  readAll(topic?: string): unknown[] {
    while (this.read().length > 0);
    return this.received.filter(([event]) => topic === undefined || event === topic).map(([, payload]) => payload);
  }
}

/** A room of fake sockets, with socket.io's broadcast operator shape; counts broadcasts. */
function room(sockets: FakeSocket[]) {
  const broadcasts: { except: string[] }[] = [];
  const emitTo = (except: string[]) => (event: string, payload: unknown) => {
    broadcasts.push({ except });
    for (const socket of sockets) if (!except.includes(socket.id)) socket.emit(event, payload);
    return true;
  };
  const target: SlowClientTarget = {
    emit: emitTo([]),
    except: (ids) => ({ emit: emitTo(ids) }),
    addresses: (socket) => sockets.includes(socket as FakeSocket),
  };
  return { target, broadcasts };
}

/** The open sockets with packets waiting, as outbound-bytes.ts lists the connections that lag. */
function holdingPackets(): FakeSocket[] {
  return [...FakeSocket.open].filter((socket) => socket.conn.writeBuffer.length > 0);
}

function queues(slowAfterPackets = 3) {
  const counts = { dropped: [] as string[], replaced: [] as string[], disconnected: [] as string[] };
  const q = new SlowClientQueues({
    slowAfterPackets,
    candidates: holdingPackets,
    events: {
      dropped: (topic) => counts.dropped.push(topic),
      replaced: (topic) => counts.replaced.push(topic),
      disconnected: (topic) => counts.disconnected.push(topic),
    },
  });
  return { q, counts };
}

async function publish(q: SlowClientQueues, target: SlowClientTarget, topic: string, from: number, to: number, policy: SlowClientPolicy) {
  for (let n = from; n < to; n++) {
    await q.deliver(target, topic, n, policy);
    await nextTurn();
  }
}

/** One event-loop turn: I/O has run, and with it the queues' check of suspected sockets. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => FakeSocket.open.clear());

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe("SlowClientQueues", () => {
  it("drop-oldest: a slow socket gets what fit in its buffer, then the last maxQueued in order; the fast one gets all in one broadcast each", async () => {
    const { q, counts } = queues(3);
    const fast = new FakeSocket("fast", true);
    const slow = new FakeSocket("slow");
    const { target, broadcasts } = room([fast, slow]);
    await publish(q, target, "t", 0, 20, { policy: "drop-oldest", maxQueued: 5 });
    expect(fast.readAll("t")).toEqual(range(0, 20));
    expect(q.queued).toBe(5);
    // 0-2 filled its buffer; 3 found it full (suspected, still sent); from 4 on it was slow.
    expect(slow.readAll("t")).toEqual([0, 1, 2, 3, 15, 16, 17, 18, 19]);
    expect(counts.dropped).toEqual(Array(11).fill("t"));
    // One broadcast per message: the fast socket never gets a per-socket emit.
    expect(broadcasts).toHaveLength(20);
    expect(broadcasts.slice(4).every((each) => each.except.includes("slow") && !each.except.includes("fast"))).toBe(true);
    expect(q.queued).toBe(0);
    expect(q.socketsHeld).toBe(0);
  });

  it("keep-latest: a slow socket gets only the newest message, each older one counted as replaced", async () => {
    const { q, counts } = queues(3);
    const slow = new FakeSocket("slow");
    const { target } = room([slow]);
    await publish(q, target, "t", 0, 10, { policy: "keep-latest" });
    expect(q.queued).toBe(1);
    expect(slow.readAll("t")).toEqual([0, 1, 2, 3, 9]);
    expect(counts.replaced).toHaveLength(5);
  });

  it("disconnect: a slow socket is cut at the transport and counted once; the fast one keeps everything", async () => {
    const { q, counts } = queues(3);
    const fast = new FakeSocket("fast", true);
    const slow = new FakeSocket("slow");
    const { target } = room([fast, slow]);
    await publish(q, target, "t", 0, 10, { policy: "disconnect" });
    expect(slow.closed).toBe(true);
    expect(counts.disconnected).toEqual(["t"]);
    expect(fast.readAll("t")).toEqual(range(0, 10));
    expect(q.socketsHeld).toBe(0);
  });

  it("flushes no more than the buffer limit per drain, and keeps the order across topics", async () => {
    const { q } = queues(2);
    const slow = new FakeSocket("slow");
    const { target } = room([slow]);
    for (let n = 0; n < 8; n++) {
      await q.deliver(target, n % 2 ? "odd" : "even", n, { policy: "drop-oldest", maxQueued: 10 });
      await nextTurn();
    }
    expect(slow.read().map(([, n]) => n)).toEqual([0, 1, 2]);
    // The drain sent two more (the limit), not all five.
    expect(slow.conn.writeBuffer).toHaveLength(2);
    expect(q.queued).toBe(3);
    expect(slow.readAll()).toEqual(range(0, 8));
  });

  it("keeps a socket that still holds messages out of the broadcast, even below the limit, so nothing overtakes them", async () => {
    const { q } = queues(2);
    const slow = new FakeSocket("slow");
    const { target } = room([slow]);
    await publish(q, target, "t", 0, 6, { policy: "drop-oldest", maxQueued: 10 });
    // The client read once: the drain sent 3 and 4, and 5 is still held. Its buffer then
    // empties with no drain seen yet: it is below the limit but still owed 5.
    slow.read();
    slow.received.push(...slow.conn.writeBuffer.splice(0));
    await q.deliver(target, "t", 6, { policy: "drop-oldest", maxQueued: 10 });
    expect(q.queued).toBe(2);
    slow.conn.emit("drain");
    expect(slow.readAll("t")).toEqual(range(0, 7));
  });

  it("checks only the lagging and held sockets the broadcast reaches, never every socket in it", async () => {
    const counts = { dropped: 0 };
    const fast = Array.from({ length: 1_000 }, (_, i) => Object.assign(new FakeSocket(`fast-${i}`, true), { rooms: new Set(["beach"]) }));
    const slow = Object.assign(new FakeSocket("slow"), { rooms: new Set(["beach"]) });
    // Lagging too, but in another room: not this broadcast's to judge.
    const elsewhere = Object.assign(new FakeSocket("elsewhere"), { rooms: new Set(["orbit"]) });
    elsewhere.conn.writeBuffer.push(["t", "old"], ["t", "old"], ["t", "old"], ["t", "old"]);
    let candidateReads = 0;
    const q = new SlowClientQueues({
      slowAfterPackets: 3,
      candidates: () => {
        candidateReads++;
        return [slow, elsewhere];
      },
      events: { dropped: () => counts.dropped++, replaced: () => {}, disconnected: () => {} },
    });
    const { target: beach } = room([...fast, slow]);
    let addressChecks = 0;
    const target: SlowClientTarget = {
      ...beach,
      addresses: (socket) => {
        addressChecks++;
        return socket.rooms?.has("beach") ?? false;
      },
    };
    await publish(q, target, "t", 0, 10, { policy: "drop-oldest", maxQueued: 5 });
    expect(candidateReads).toBe(10);
    // Two candidates a message (and the slow one again while it holds a queue), never the 1,000.
    expect(addressChecks).toBeLessThanOrEqual(30);
    expect(fast.every((socket) => socket.readAll("t").length === 10)).toBe(true);
    expect(counts.dropped).toBe(1);
    expect(slow.readAll("t")).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9]);
    // The other room's lagging socket got nothing and holds no queue.
    expect(elsewhere.conn.writeBuffer).toHaveLength(4);
    expect(q.socketsHeld).toBe(0);
  });

  it("forgets a socket's queue when its connection closes", async () => {
    const { q } = queues(1);
    const slow = new FakeSocket("slow");
    const { target } = room([slow]);
    await publish(q, target, "t", 0, 5, { policy: "drop-oldest", maxQueued: 10 });
    expect(q.queued).toBe(3);
    slow.conn.close(true);
    expect(q.queued).toBe(0);
    expect(slow.conn.listenerCount("drain")).toBe(0);
  });

  it("does not take a burst within one turn for slowness: a reader whose writes complete is never queued or cut", async () => {
    const { q, counts } = queues(3);
    // A WebSocket-like reader: packets wait in the buffer until the turn's writes complete.
    const burst = new FakeSocket("burst");
    const completeWrites = () => process.nextTick(() => burst.read());
    const { target } = room([burst]);
    for (let round = 0; round < 3; round++) {
      for (let n = 0; n < 20; n++) {
        await q.deliver(target, "t", round * 20 + n, { policy: "disconnect" });
        if (n === 0) completeWrites();
      }
      expect(burst.conn.writeBuffer.length).toBeGreaterThan(3);
      await nextTurn();
    }
    expect(burst.closed).toBe(false);
    expect(counts.disconnected).toEqual([]);
    expect(burst.readAll("t")).toEqual(range(0, 60));
    // The same reader, stalled: still full a turn later, so it is slow from then on.
    await publish(q, target, "t", 60, 65, { policy: "disconnect" });
    expect(burst.closed).toBe(true);
    expect(counts.disconnected).toEqual(["t"]);
  });

  it("serves a socket slow by bytes alone (engine.io's buffer empty, no drain ever) once its bytes go down", async () => {
    const bytes = new Map<object, number>();
    const q = new SlowClientQueues({
      slowAfterPackets: 1_000,
      slowAfterBytes: 100_000,
      bytesHeld: (connection) => bytes.get(connection) ?? 0,
      // Its transport is busy with the bytes the kernel has not taken: it lags.
      candidates: () => [socket],
      events: { dropped: () => {}, replaced: () => {}, disconnected: () => {} },
    });
    // A reader whose transport took every packet (nothing in engine.io's buffer), but whose
    // WebSocket holds 200 KB the kernel has not taken.
    const socket = new FakeSocket("bytes", true);
    bytes.set(socket.conn, 200_000);
    const { target } = room([socket]);
    await publish(q, target, "t", 0, 5, { policy: "drop-oldest", maxQueued: 10 });
    const sentWhileSlow = socket.received.length;
    expect(q.queued).toBeGreaterThan(0);
    bytes.set(socket.conn, 0);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(q.queued).toBe(0);
    expect(socket.received.map(([, payload]) => payload)).toEqual(range(0, 5));
    expect(sentWhileSlow).toBeLessThan(5);
  });

  it("refuses a policy it cannot apply", () => {
    expect(() => checkSlowClientPolicy({ policy: "drop-oldest", maxQueued: 0 })).toThrow(/maxQueued/);
    expect(() => checkSlowClientPolicy({ policy: "drop" } as unknown as SlowClientPolicy)).toThrow(/unknown policy/);
    expect(checkSlowClientPolicy({ policy: "drop-oldest" })).toEqual({ policy: "drop-oldest", maxQueued: 100 });
  });
});
