/**
 * A gateway's bus deliveries (envelopes, and the filling of a bus gap), one at a time in arrival
 * order, handing the event loop back once a turn has run `budgetMs`. A burst (a hundred messages to a room of a thousand) is then many short
 * turns instead of one long stall, and everyone else's acks and handshakes are served in between.
 * One at a time also keeps the order: each socket gets a gateway's messages as they were published.
 */
export class DeliveryQueue<Item> {
  private readonly pending: Item[] = [];
  private draining = false;

  constructor(
    private readonly deliver: (item: Item) => Promise<void>,
    private readonly budgetMs = 5,
  ) {}

  push(item: Item): void {
    this.pending.push(item);
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
    while (this.pending.length > 0) {
      await this.deliver(this.pending.shift() as Item);
      if (performance.now() - turnStarted >= this.budgetMs) {
        await new Promise((resolve) => setImmediate(resolve));
        turnStarted = performance.now();
      }
    }
    this.draining = false;
  }
}
