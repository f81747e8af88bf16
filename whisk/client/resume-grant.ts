import { MAX_RESUME_GATEWAYS, type ResumeGrant, type TokenGrant } from "../core/protocol";

/** Longer than any gateway URL a deployment gives; a longer one is not kept. */
const MAX_GATEWAY_URL_LENGTH = 2_048;

/**
 * A `whisk.resume` payload as the client keeps it: the token, and the other gateways it may move
 * to with it (http or https URLs only, at most MAX_RESUME_GATEWAYS). Null when it is not one.
 */
export function readResumeGrant(payload: unknown): { grant: TokenGrant; gateways: string[] } | null {
  const { token, expiresAt, gateways } = (payload ?? {}) as Partial<ResumeGrant>;
  if (typeof token !== "string" || typeof expiresAt !== "number") return null;
  const urls = Array.isArray(gateways) ? gateways.slice(0, MAX_RESUME_GATEWAYS).filter(isGatewayUrl) : [];
  return { grant: { token, expiresAt }, gateways: urls };
}

function isGatewayUrl(url: unknown): url is string {
  if (typeof url !== "string" || url.length > MAX_GATEWAY_URL_LENGTH) return false;
  try {
    return ["http:", "https:"].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}
