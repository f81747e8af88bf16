import { z } from "zod";
import type { Envelope } from "../core/envelope";

const addressSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("everyone") }),
  z.object({ kind: z.literal("node"), nodeId: z.string() }),
  z.object({ kind: z.literal("socket"), socketId: z.string() }),
  z.object({ kind: z.literal("user"), userId: z.string() }),
  z.object({ kind: z.literal("session"), sessionId: z.string() }),
  z.object({ kind: z.literal("room"), room: z.string() }),
]);

const envelopeSchema = z.object({
  id: z.string(),
  topic: z.string(),
  payload: z.unknown(),
  to: z.array(addressSchema),
  except: z.array(z.string()),
  from: z.object({ nodeId: z.string() }),
  sentAt: z.number(),
  replyTo: z.object({ nodeId: z.string(), requestId: z.string() }).optional(),
});

export function encodeEnvelope(envelope: Envelope): string {
  return JSON.stringify(envelope);
}

/** An envelope read off the wire, or null if it is not one: a bad message is dropped, never a crash. */
export function decodeEnvelope(text: string): Envelope | null {
  try {
    const parsed = envelopeSchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as Envelope) : null;
  } catch {
    return null;
  }
}
