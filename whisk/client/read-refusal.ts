import { ERROR_CODES, type WhiskErrorPayload } from "../core/errors";

/**
 * A refusal with a Whisk code: from the middleware (`data`), or from the gateway's first check
 * (HTTP 403): a foreign origin, or too many new connections from this address (RATE_LIMITED,
 * named in the body, which polling lets the client read), which a pause fixes.
 */
export function readRefusal(error: Error & { data?: unknown; description?: unknown; context?: unknown }): WhiskErrorPayload | null {
  const data = error.data as Partial<WhiskErrorPayload> | undefined;
  if (data && typeof data.code === "string" && typeof data.message === "string") return data as WhiskErrorPayload;
  if (error.description !== 403) return null;
  const body = (error.context as { responseText?: unknown } | undefined)?.responseText;
  if (typeof body === "string" && body.includes('"RATE_LIMITED"')) return { code: "RATE_LIMITED", message: ERROR_CODES.RATE_LIMITED };
  return { code: "ORIGIN_NOT_ALLOWED", message: ERROR_CODES.ORIGIN_NOT_ALLOWED };
}
