import type { Envelope } from "../core/envelope";

export type Unsubscribe = () => void;

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
  consume(queue: string, handler: (envelope: Envelope) => Promise<void>): Unsubscribe;
  /** Resolves once subscriptions are live, so nothing published afterwards is missed. */
  ready(): Promise<void>;
  close(): Promise<void>;
}
