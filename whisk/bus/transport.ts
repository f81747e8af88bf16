import type { Address } from "../core/address";
import type { Envelope } from "../core/envelope";

export type Unsubscribe = () => void;

/**
 * Stops a queue consumer: it takes no new job, lets the jobs it already holds finish and be
 * acknowledged, and resolves once it is done, so a process can close its connections after it.
 */
export type StopConsuming = () => Promise<void>;

/**
 * What a transport must do, and all it must do: carry envelopes. Addressing, validation and
 * delivery live in `Bus` and the gateway once, so a new transport is two pairs of methods.
 *
 * - `publish` / `subscribe`: fan-out; every subscriber (every gateway) gets every envelope it
 *   can deliver: all of them, or, with `follow`, those for everyone, for its node, and for the
 *   addresses it follows.
 * - `enqueue` / `consume`: a work queue; each envelope goes to exactly one consumer of that queue.
 */
export interface BusTransport {
  publish(envelope: Envelope): Promise<void>;
  subscribe(listener: (envelope: Envelope) => void): Unsubscribe;
  enqueue(queue: string, envelope: Envelope): Promise<void>;
  consume(queue: string, handler: (envelope: Envelope) => Promise<void>): StopConsuming;
  /** Resolves once subscriptions are live, so nothing published afterwards is missed. */
  ready(): Promise<void>;
  /**
   * Targeted delivery: from when the returned promise resolves until the returned function is
   * called, this process also receives envelopes for `address` (a user, session, socket or room
   * it holds a socket of). A transport without it gives every subscriber every envelope.
   */
  follow?(address: Address): Promise<Unsubscribe>;
  /**
   * Calls `listener` each time the connection carrying the subscriptions is back after a loss
   * (what was published meanwhile did not arrive), before anything it receives again, with a
   * promise that resolves once the subscriptions are live. Absent where they cannot be lost.
   */
  onResubscribed?(listener: (live: Promise<void>) => void): Unsubscribe;
  /** Jobs in `queue` not yet done (waiting, or in a worker's hands), for the metrics. */
  queueDepth?(queue: string): Promise<number>;
  /** What this process received and listens to, for its metrics. */
  stats?(): { received: number; channels: number };
  /** Stops every consumer as `StopConsuming` does, then lets go of the connections. */
  close(): Promise<void>;
}
