/**
 * Whether a browser's `Origin` header is one the gateway accepts. Exact match on scheme, host and
 * port after URL normalisation: no suffix or prefix matching, and the literal `null` origin
 * (sandboxed frames, file pages) is always refused.
 *
 * A request with no Origin header at all comes from a non-browser client (a script, a mobile
 * app, a test); it still needs a valid ws_token, so it is let through unless `requireOrigin`.
 */
export function isOriginAllowed(
  origin: string | undefined,
  allowList: readonly string[],
  options: { requireOrigin?: boolean } = {},
): boolean {
  if (origin === undefined || origin === "") return !options.requireOrigin;
  const normalised = normaliseOrigin(origin);
  if (normalised === null) return false;
  return allowList.some((allowed) => normaliseOrigin(allowed) === normalised);
}

export function normaliseOrigin(origin: string): string | null {
  if (origin === "null") return null;
  try {
    const url = new URL(origin);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) return null;
    return url.origin;
  } catch {
    return null;
  }
}
