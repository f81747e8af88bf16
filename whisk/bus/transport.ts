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
 * - `publish` / `subscribe`: fan-out; every subscriber (every gateway) gets every envelope.
 * - `enqueue` / `consume`: a work queue; each envelope goes to exactly one consumer of that queue.
 */
export interface BusTransport {
  publish(envelope: Envelope): Promise<void>;
  subscribe(listener: (envelope: Envelope) => void): Unsubscribe;
  enqueue(queue: string, envelope: Envelope): Promise<void>;
  consume(queue: string, handler: (envelope: Envelope) => Promise<void>): StopConsuming;
  /** Resolves once subscriptions are live, so nothing published afterwards is missed. */
  ready(): Promise<void>;
  /** Stops every consumer as `StopConsuming` does, then lets go of the connections. */
  close(): Promise<void>;
}
