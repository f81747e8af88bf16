import { randomBytes } from "node:crypto";
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
  /** The W3C traceparent of the span that sent it, when tracing is on (see whisk/server/spans.ts). */
  trace?: string;
}

/**
 * Envelope ids only need to be unique across processes (the Redis transport drops a second copy
 * by id): 96 random bits per process and a counter, cheaper per message than a UUID.
 */
const PROCESS_TAG = randomBytes(12).toString("base64url");
let sent = 0;

export function createEnvelope(fields: Omit<Envelope, "id" | "sentAt">): Envelope {
  sent += 1;
  return { ...fields, id: `${PROCESS_TAG}.${sent.toString(36)}`, sentAt: Date.now() };
}
