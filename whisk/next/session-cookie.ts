import { getIronSession, type IronSession } from "iron-session";
import { cookies } from "next/headers";
import type { NewSession, SessionRecord } from "../session/session-store";
import { whiskRuntime } from "./whisk-runtime";

/** All the cookie holds: which shared session record is ours. The record lives in the store. */
interface SessionCookie {
  sid?: string;
}

async function openCookie(): Promise<IronSession<SessionCookie>> {
  const { config } = whiskRuntime();
  return getIronSession<SessionCookie>(await cookies(), {
    password: config.sessionSecret,
    cookieName: config.cookieName,
    ttl: Math.floor(config.sessionTtlMs / 1000),
    cookieOptions: { httpOnly: true, sameSite: "lax", secure: config.secureCookies, path: "/" },
  });
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
  const cookie = await openCookie();
  if (!cookie.sid) return null;
  return whiskRuntime().sessions.get(cookie.sid);
}

/**
 * The current session, created (with the user `newUser()` returns) when there is none.
 * Sets the cookie, so call it from a server action or a route handler, not while rendering.
 */
export async function ensureSession(newUser: () => NewSession | Promise<NewSession>): Promise<SessionRecord> {
  const runtime = whiskRuntime();
  const cookie = await openCookie();
  const existing = cookie.sid ? await runtime.sessions.get(cookie.sid) : null;
  if (existing) return existing;
  const created = await runtime.sessions.create(await newUser(), runtime.config.sessionTtlMs);
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
