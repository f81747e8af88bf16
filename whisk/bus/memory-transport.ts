import type { Envelope } from "../core/envelope";
import { jsonCopy } from "../core/json-copy";
import type { BusTransport, StopConsuming, Unsubscribe } from "./transport";

type Consumer = (envelope: Envelope) => Promise<void>;

/**
 * The bus inside one process. Deliveries come a turn of the event loop later, as from a network:
 * code that works here does not depend on synchronous delivery, and a publisher's own next steps
 * (a route's answer) go first, as they do over Redis. Queued envelopes wait while a queue has no
 * consumer, and consumers of one queue take turns.
 */
export class MemoryTransport implements BusTransport {
  private readonly listeners = new Set<(envelope: Envelope) => void>();
  private readonly consumers = new Map<string, Consumer[]>();
  private readonly waiting = new Map<string, Envelope[]>();
  private readonly turns = new Map<string, number>();
  /** Jobs enqueued and not yet done, by queue (waiting for a consumer, or running). */
  private readonly undone = new Map<string, number>();

  constructor(private readonly onHandlerError: (error: unknown, envelope: Envelope) => void = () => {}) {}

  async publish(envelope: Envelope): Promise<void> {
    // Written once and read by each listener, as over Redis: each gets a copy of its own.
    const text = JSON.stringify(envelope);
    const listeners = [...this.listeners];
    setImmediate(() => {
      for (const listener of listeners) listener(JSON.parse(text) as Envelope);
    });
  }

  subscribe(listener: (envelope: Envelope) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async enqueue(queue: string, envelope: Envelope): Promise<void> {
    this.undone.set(queue, (this.undone.get(queue) ?? 0) + 1);
    const consumers = this.consumers.get(queue);
    if (!consumers?.length) {
      this.waiting.set(queue, [...(this.waiting.get(queue) ?? []), envelope]);
      return;
    }
    const turn = this.turns.get(queue) ?? 0;
    this.turns.set(queue, turn + 1);
    const consumer = consumers[turn % consumers.length] as Consumer;
    // A job runs in a later turn of the event loop, as a worker process would take it: a burst of
    // jobs then does not lengthen the turn that queued them.
    setImmediate(() => {
      consumer(jsonCopy(envelope)).catch((error) => this.onHandlerError(error, envelope));
    });
  }

  consume(queue: string, handler: Consumer): StopConsuming {
    // The jobs this consumer is running, so stopping it can wait for them as a process would.
    const inFlight = new Set<Promise<void>>();
    const consumer: Consumer = (envelope) => {
      const running = handler(envelope).finally(() => {
        inFlight.delete(running);
        this.undone.set(queue, (this.undone.get(queue) ?? 1) - 1);
      });
      inFlight.add(running);
      return running;
    };
    this.consumers.set(queue, [...(this.consumers.get(queue) ?? []), consumer]);
    const backlog = this.waiting.get(queue) ?? [];
    this.waiting.delete(queue);
    // Enqueued again below, and counted again there.
    this.undone.set(queue, (this.undone.get(queue) ?? 0) - backlog.length);
    for (const envelope of backlog) void this.enqueue(queue, envelope);
    return async () => {
      this.consumers.set(
        queue,
        (this.consumers.get(queue) ?? []).filter((c) => c !== consumer),
      );
      await Promise.allSettled([...inFlight]);
    };
  }

  async queueDepth(queue: string): Promise<number> {
    return this.undone.get(queue) ?? 0;
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {
    this.listeners.clear();
    this.consumers.clear();
    this.waiting.clear();
  }
}
