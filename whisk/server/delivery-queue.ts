import type { Envelope } from "../core/envelope";

/**
 * A gateway's bus deliveries, one at a time in arrival order, handing the event loop back once a
 * turn has run `budgetMs`. A burst (a hundred messages to a room of a thousand) is then many short
 * turns instead of one long stall, and everyone else's acks and handshakes are served in between.
 * One at a time also keeps the order: each socket gets a gateway's messages as they were published.
 */
export class DeliveryQueue {
  private readonly pending: Envelope[] = [];
  private draining = false;

  constructor(
    private readonly deliver: (envelope: Envelope) => Promise<void>,
    private readonly budgetMs = 5,
  ) {}

  push(envelope: Envelope): void {
    this.pending.push(envelope);
    if (this.draining) return;
    this.draining = true;
    // Start at once (a microtask, as deliveries always were); only a long turn yields.
    queueMicrotask(() => void this.drain());
  }

  /** Envelopes waiting for their turn (for metrics and tests). */
  get size(): number {
    return this.pending.length;
  }

  private async drain() {
    let turnStarted = performance.now();
    for (let envelope = this.pending.shift(); envelope; envelope = this.pending.shift()) {
      await this.deliver(envelope);
      if (performance.now() - turnStarted >= this.budgetMs) {
        await new Promise((resolve) => setImmediate(resolve));
        turnStarted = performance.now();
      }
    }
    this.draining = false;
  }
}
