import type { Address } from "../core/address";
import type { Envelope } from "../core/envelope";
import { MAX_TRACE_PARENT_LENGTH } from "../core/trace-parent";

/**
 * Envelopes travel as JSON. Reading one back checks its shape by hand rather than with a zod
 * schema: it runs on every bus message every gateway receives, the shape is Whisk's own and
 * small, and a schema's parse cost a gateway about as much as the JSON.parse (CPU profiles of the
 * bench's cross-node job). The payload is not checked here: its observer or worker does that with
 * the app's schema.
 */
export function encodeEnvelope(envelope: Envelope): string {
  return JSON.stringify(envelope);
}

/** An envelope read off the wire, or null if it is not one: a bad message is dropped, never a crash. */
export function decodeEnvelope(text: string): Envelope | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return readEnvelope(value);
}

type Fields = Record<string, unknown>;

const isFields = (value: unknown): value is Fields => typeof value === "object" && value !== null && !Array.isArray(value);

/** Each address kind and the one string field it carries (none for everyone). */
const ADDRESS_FIELD = { everyone: null, node: "nodeId", socket: "socketId", user: "userId", session: "sessionId", room: "room" } as const;

function readAddress(value: unknown): Address | null {
  if (!isFields(value) || typeof value.kind !== "string" || !Object.hasOwn(ADDRESS_FIELD, value.kind)) return null;
  const kind = value.kind as keyof typeof ADDRESS_FIELD;
  const field = ADDRESS_FIELD[kind];
  if (field === null) return { kind: "everyone" };
  const id = value[field];
  return typeof id === "string" ? ({ kind, [field]: id } as Address) : null;
}

/** A fresh envelope of exactly the known fields, or null if any is missing or of the wrong type. */
function readEnvelope(value: unknown): Envelope | null {
  if (!isFields(value)) return null;
  const { id, topic, payload, to, except, from, sentAt, replyTo, trace } = value;
  if (typeof id !== "string" || typeof topic !== "string" || typeof sentAt !== "number") return null;
  if (!isFields(from) || typeof from.nodeId !== "string") return null;
  if (!Array.isArray(except) || !except.every((socketId) => typeof socketId === "string")) return null;
  if (!Array.isArray(to)) return null;
  const addresses: Address[] = [];
  for (const each of to) {
    const address = readAddress(each);
    if (!address) return null;
    addresses.push(address);
  }
  const envelope: Envelope = { id, topic, payload, to: addresses, except, from: { nodeId: from.nodeId }, sentAt };
  // A trace that is not one is left behind, not a reason to drop the message.
  if (typeof trace === "string" && trace.length <= MAX_TRACE_PARENT_LENGTH) envelope.trace = trace;
  if (replyTo === undefined) return envelope;
  if (!isFields(replyTo) || typeof replyTo.nodeId !== "string" || typeof replyTo.requestId !== "string") return null;
  envelope.replyTo = { nodeId: replyTo.nodeId, requestId: replyTo.requestId };
  return envelope;
}
