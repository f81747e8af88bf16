import { ERROR_CODES, WhiskError } from "../core/errors";
import { isOriginAllowed } from "../core/origin-allow-list";
import type { TokenGrant } from "../core/protocol";
import type { NewSession, SessionRecord } from "../session/session-store";
import { currentMember, currentSession, ensureSession } from "./session-cookie";
import { whiskRuntime } from "./whisk-runtime";

/**
 * Mints a one-time ws_token for the current session; with `newUser`, a visitor without one gets
 * a new guest session first (anonymous users), without it the call needs a signed-in member
 * (`startSession`): a guest's cookie gets UNAUTHORIZED, as no cookie does.
 * Call it from a server action that you hand to `WhiskProvider`; the client calls it again on
 * every (re)connect, so a token is never reused and never put in a URL.
 *
 * @example
 * "use server";
 * export async function getWsToken() {
 *   return issueWsToken({ newUser: () => ({ userId: crypto.randomUUID(), userName: "Guest" }) });
 * }
 */
export async function issueWsToken(options: { newUser?: () => NewSession | Promise<NewSession> } = {}): Promise<TokenGrant> {
  const session = options.newUser ? await ensureSession(options.newUser) : await currentMember();
  if (!session) throw new WhiskError("UNAUTHORIZED", "Sign in first: there is no session to issue a ws_token for.");
  return grantFor(session);
}

/**
 * The first ws_token of a page open to guests, minted in its server component for
 * `WhiskProvider`'s `initialToken`: for the visitor's session, guest or member, so a return visit
 * connects with no token request. `undefined` on a first visit: a page cannot set the cookie a new
 * session needs, so its provider asks `getToken` (an action, which can). Reading the cookie makes
 * the page dynamic: never cached, a token for each load.
 */
export async function pageWsToken(): Promise<TokenGrant | undefined> {
  const session = await currentSession();
  return session ? grantFor(session) : undefined;
}

async function grantFor(session: SessionRecord): Promise<TokenGrant> {
  const runtime = whiskRuntime();
  const issued = await runtime.issueToken({ sessionId: session.id, userId: session.userId });
  const grant: TokenGrant = { token: issued.token, expiresAt: issued.expiresAt };
  const url = await runtime.config.pickGatewayUrl?.();
  if (url) grant.url = url;
  return grant;
}

/**
 * For a route handler that issues tokens to non-React clients (scripts, mobile apps, tests):
 * a 403 Response when the request's Origin is foreign (as Next.js refuses it for server
 * actions), or null to go on.
 */
export function refuseForeignOrigin(request: Request): Response | null {
  if (isTrustedRequestOrigin(request)) return null;
  return Response.json({ error: { code: "ORIGIN_NOT_ALLOWED", message: ERROR_CODES.ORIGIN_NOT_ALLOWED } }, { status: 403 });
}

/** True when the request's Origin is one of `allowedOrigins`. */
export function isTrustedRequestOrigin(request: Request): boolean {
  return isOriginAllowed(request.headers.get("origin") ?? undefined, whiskRuntime().config.allowedOrigins);
}
