import { randomBytes } from "node:crypto";

/**
 * The shared session record: the server-side half of the iron-session cookie.
 * The cookie only carries the session id; everything else lives here, so a session can be
 * revoked, and is readable and writable from every process (actions, routes, observers, workers).
 */
export interface SessionRecord {
  id: string;
  userId: string;
  userName: string;
  createdAt: number;
  expiresAt: number;
  /** The app's own per-session values, merged key by key by `update`. */
  data: Record<string, unknown>;
}

export interface NewSession {
  userId: string;
  userName: string;
  data?: Record<string, unknown>;
}

/** A new record: a random 144-bit id, the user, the times; every store makes its records here. */
export function newSessionRecord(session: NewSession, ttlMs: number, now: number): SessionRecord {
  return {
    id: randomBytes(18).toString("base64url"),
    userId: session.userId,
    userName: session.userName,
    createdAt: now,
    expiresAt: now + ttlMs,
    data: structuredClone(session.data ?? {}),
  };
}

export interface SessionStore {
  create(session: NewSession, ttlMs: number): Promise<SessionRecord>;
  get(sessionId: string): Promise<SessionRecord | null>;
  /** Merges `patch` into `data` atomically: concurrent writers of different keys both land. */
  update(sessionId: string, patch: Record<string, unknown>): Promise<SessionRecord | null>;
  delete(sessionId: string): Promise<void>;
  close(): Promise<void>;
}
