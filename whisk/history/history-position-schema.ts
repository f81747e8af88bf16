import { z } from "zod";

/**
 * A position a client sends back to resume from (`since`), checked before any store sees it: an
 * epoch is a short token, an offset a memory counter ("42") or a Redis stream id ("1700000000000-0").
 * Digits are capped below 2^63, so no made-up offset can reach Redis as an invalid stream id (an
 * error per request) instead of a `BAD_PAYLOAD` for the client.
 */
export const historyPositionSchema = z.object({
  epoch: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "an epoch from an earlier answer"),
  offset: z.string().regex(/^\d{1,18}(-\d{1,18})?$/, "an offset from an earlier answer"),
});
