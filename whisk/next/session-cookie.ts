import { getIronSession, type IronSession, unsealData } from "iron-session";
import { cookies } from "next/headers";
import type { NewSession, SessionRecord } from "../session/session-store";
import { UnsealedCookies } from "./unsealed-cookies";
import { whiskRuntime } from "./whisk-runtime";

/** All the cookie holds: which shared session record is ours. The record lives in the store. */
interface SessionCookie {
  sid?: string;
}

const unsealed = new UnsealedCookies();

function cookieOptions() {
  const { config } = whiskRuntime();
  return { password: config.sessionSecret, cookieName: config.cookieName, ttl: Math.floor(config.sessionTtlMs / 1000) };
}

/** The cookie as iron-session opens it, to write or clear it. */
async function openCookie(): Promise<IronSession<SessionCookie>> {
  // cookies() first: while Next prerenders at build time it marks the page dynamic and stops
  // there, before anything asks for the runtime, which only exists in a running server.
  const store = await cookies();
  const { config } = whiskRuntime();
  return getIronSession<SessionCookie>(store, {
    ...cookieOptions(),
    cookieOptions: { httpOnly: true, sameSite: "lax", secure: config.secureCookies, path: "/" },
  });
}

/** The session id the cookie holds, to read it only: unsealed once a minute per cookie (unsealed-cookies.ts). */
async function cookieSessionId(): Promise<string | undefined> {
  const seal = (await cookies()).get(whiskRuntime().config.cookieName)?.value;
  if (!seal) return undefined;
  const known = unsealed.get(seal);
  if (known !== undefined) return known;
  const { password, ttl } = cookieOptions();
  const { sid } = await unsealData<SessionCookie>(seal, { password, ttl });
  if (typeof sid === "string") unsealed.set(seal, sid);
  return typeof sid === "string" ? sid : undefined;
}

/**
 * The current visitor's session record, or null. Usable in server components, server actions
 * and route handlers.
 *
 * @example
 * const session = await currentSession();
 * if (!session) redirect("/");
 */
export async function currentSession(): Promise<SessionRecord | null> {
  const sessionId = await cookieSessionId();
  if (!sessionId) return null;
  return whiskRuntime().sessions.get(sessionId);
}

/**
 * The current session if a signed-in member holds it (`startSession`), else null: what the pages,
 * actions and route handlers of members-only features check.
 *
 * @example
 * const member = await currentMember();
 * if (!member) redirect("/");
 */
export async function currentMember(): Promise<SessionRecord | null> {
  const session = await currentSession();
  return session?.kind === "member" ? session : null;
}

/**
 * The current session, created (with the user `newUser()` returns) when there is none.
 * Sets the cookie, so call it from a server action or a route handler, not while rendering.
 *
 * A session created here is provisional: nobody signed in, and any request without a cookie
 * makes one, so it lives only `guestSessionTtlMs` (2 min) until a socket connects with its token,
 * which gives it `sessionTtlMs`. Token requests that never connect leave nothing lasting behind.
 */
export async function ensureSession(newUser: () => NewSession | Promise<NewSession>): Promise<SessionRecord> {
  const runtime = whiskRuntime();
  const sessionId = await cookieSessionId();
  const existing = sessionId ? await runtime.sessions.get(sessionId) : null;
  if (existing) return existing;
  const cookie = await openCookie();
  const created = await runtime.sessions.create(await newUser(), runtime.config.sessionTtlMs, {
    kind: "guest",
    untilUsedMs: runtime.config.guestSessionTtlMs,
  });
  cookie.sid = created.id;
  await cookie.save();
  return created;
}

/**
 * Signs a user in: ends the current session (if any) everywhere, then starts a new one for
 * `user`. Call it from a server action (it sets the cookie).
 *
 * `provisional`: for a sign-in that costs the client nothing (the demo's display name, no
 * password), the session lives only `guestSessionTtlMs` (2 min) until its first socket connects,
 * as a guest's does: a script signing in over and over leaves nothing that lasts.
 *
 * @example
 * await startSession({ userId: user.id, userName: user.displayName });
 */
export async function startSession(user: NewSession, options: { provisional?: boolean } = {}): Promise<SessionRecord> {
  const runtime = whiskRuntime();
  const cookie = await openCookie();
  if (cookie.sid) await runtime.endSession(cookie.sid);
  const untilUsedMs = options.provisional ? runtime.config.guestSessionTtlMs : undefined;
  const created = await runtime.sessions.create(user, runtime.config.sessionTtlMs, { kind: "member", untilUsedMs });
  cookie.sid = created.id;
  await cookie.save();
  return created;
}

/** Ends the session everywhere: the record, every socket of it on every gateway, and the cookie. */
export async function endSession(): Promise<void> {
  const cookie = await openCookie();
  if (cookie.sid) await whiskRuntime().endSession(cookie.sid);
  cookie.destroy();
}
