import { isErrorCode, WhiskError } from "../core/errors";
import type { TokenGrant } from "../core/protocol";

export interface TokenRouteFallbackOptions {
  /** The same-origin route that answers a POST with a grant, e.g. "/api/ws-token". */
  url: string;
  /** The fetch to use; the global one if not set (tests pass their own). */
  fetch?: typeof fetch;
}

/**
 * `getToken` with a way round it when it throws: a POST to a token route, with the page's cookie,
 * whose grant is used instead. The usual `getToken` is a server action, and a page loaded before
 * a deploy keeps calling the old build's action id, which the new build does not know (Next.js
 * answers it with an error) until the page is reloaded; a route's URL does not change.
 *
 * The route must serve the same users as the action (a members-only action, a members-only
 * route). When it refuses with a Whisk code (`{ error: { code, message } }`, e.g. 401
 * UNAUTHORIZED, 429 RATE_LIMITED), that refusal is thrown as a WhiskError, so the connection
 * shows it and decides by its code; when it cannot answer (the network, a 500), the action's own
 * error is thrown again.
 *
 * @example
 * const getToken = withTokenRouteFallback(getWsToken, { url: "/api/ws-token" });
 */
export function withTokenRouteFallback(getToken: () => Promise<TokenGrant>, options: TokenRouteFallbackOptions): () => Promise<TokenGrant> {
  return async () => {
    try {
      return await getToken();
    } catch (thrown) {
      return tokenFromRoute(options, thrown);
    }
  };
}

async function tokenFromRoute(
  { url, fetch: fetchToken = globalThis.fetch }: TokenRouteFallbackOptions,
  actionError: unknown,
): Promise<TokenGrant> {
  let response: Response;
  let body: unknown;
  try {
    response = await fetchToken(url, { method: "POST", credentials: "same-origin", cache: "no-store" });
    body = await response.json();
  } catch {
    throw actionError;
  }
  if (response.ok) {
    const grant = readGrant(body);
    if (grant) return grant;
    throw actionError;
  }
  const { code, message } = ((body as { error?: unknown } | null)?.error ?? {}) as { code?: unknown; message?: unknown };
  if (isErrorCode(code)) throw new WhiskError(code, typeof message === "string" && message ? message : undefined);
  throw actionError;
}

/** A TokenGrant from a route's JSON, or null if it is not one. */
function readGrant(body: unknown): TokenGrant | null {
  const { token, expiresAt, url } = (body ?? {}) as { token?: unknown; expiresAt?: unknown; url?: unknown };
  if (typeof token !== "string" || !token || typeof expiresAt !== "number") return null;
  const grant: TokenGrant = { token, expiresAt };
  if (typeof url === "string" && url) grant.url = url;
  return grant;
}
