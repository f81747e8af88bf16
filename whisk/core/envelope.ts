import { randomUUID } from "node:crypto";
import type { Address } from "./address";

/** One message on the bus, as every transport carries it. */
export interface Envelope {
  id: string;
  topic: string;
  payload: unknown;
  /** Who gets it. Everyone only through the `everyone()` address; an empty list means nobody. */
  to: Address[];
  /** Socket ids that must not receive it (e.g. the sender). */
  except: string[];
  from: { nodeId: string };
  sentAt: number;
  /** Set by `bus.request`: where the worker's reply goes. */
  replyTo?: { nodeId: string; requestId: string };
}

export function createEnvelope(fields: Omit<Envelope, "id" | "sentAt">): Envelope {
  return { ...fields, id: randomUUID(), sentAt: Date.now() };
}
