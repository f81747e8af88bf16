/**
 * Whisk's defaults, in one place: each is what an app gets when it does not say otherwise.
 * The app's server/env.ts reads its settings with these as fallbacks.
 */

/** Every Redis key and channel starts with this, so several apps (or test runs) share one Redis. */
export const DEFAULT_REDIS_PREFIX = "whisk:";

/** A ws_token lives 10 s: a page connects within a second of getting one, and a leaked one soon expires. */
export const DEFAULT_TOKEN_TTL_MS = 10_000;

/** A session lives 7 days from its last use. */
export const DEFAULT_SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * A session made implicitly for a token request (no sign-in) lives 2 minutes until a socket
 * connects with it: a page connects within seconds, and a script minting guests holds little.
 */
export const DEFAULT_GUEST_SESSION_TTL_MS = 2 * 60 * 1000;

/** The iron-session cookie that carries the session id. */
export const DEFAULT_SESSION_COOKIE = "whisk_session";
