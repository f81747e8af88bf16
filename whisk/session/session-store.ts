import { randomBytes } from "node:crypto";
import { jsonCopy } from "../core/json-copy";

/**
 * The shared session record: the server-side half of the iron-session cookie.
 * The cookie only carries the session id; everything else lives here, so a session can be
 * revoked, and is readable and writable from every process (actions, routes, observers, workers).
 */
/**
 * Who is behind a session: a `member` signed in (`startSession`); a `guest` got a session made for
 * them because they asked for a token without one (`issueWsToken({ newUser })`). Route groups,
 * pages and token actions say which kind they serve; see `defineRoutes(..., { access })`.
 */
export type SessionKind = "guest" | "member";

export interface SessionRecord {
  id: string;
  kind: SessionKind;
  userId: string;
  userName: string;
  createdAt: number;
  expiresAt: number;
  /** The app's own per-session values, merged key by key by `update`. */
  data: Record<string, unknown>;
  /**
   * Only on a provisional session (made implicitly for a token request, see `create`): the TTL
   * it gets once `confirm` says it was used. Until then it expires at its short `expiresAt`.
   */
  pendingTtlMs?: number;
}

export interface NewSession {
  userId: string;
  userName: string;
  data?: Record<string, unknown>;
}

export interface CreateOptions {
  /** `member` unless said otherwise: code that creates a session knows who it is for. */
  kind?: SessionKind;
  /**
   * Makes the session provisional: it lives only this long until `confirm` (its first socket
   * connected) gives it the full `ttlMs`. For sessions nobody signed in to, minted for a token
   * request: a script asking for tokens without cookies then leaves nothing that lasts.
   */
  untilUsedMs?: number;
}

/** A new record: a random 144-bit id, the user, the times; every store makes its records here. */
export function newSessionRecord(session: NewSession, ttlMs: number, now: number, options: CreateOptions = {}): SessionRecord {
  const record: SessionRecord = {
    id: randomBytes(18).toString("base64url"),
    kind: options.kind ?? "member",
    userId: session.userId,
    userName: session.userName,
    createdAt: now,
    expiresAt: now + ttlMs,
    data: jsonCopy(session.data ?? {}),
  };
  if (options.untilUsedMs !== undefined && options.untilUsedMs < ttlMs) {
    record.expiresAt = now + options.untilUsedMs;
    record.pendingTtlMs = ttlMs;
  }
  return record;
}

export interface SessionStore {
  create(session: NewSession, ttlMs: number, options?: CreateOptions): Promise<SessionRecord>;
  get(sessionId: string): Promise<SessionRecord | null>;
  /**
   * The session was used (a socket connected with it): a provisional one gets its full TTL from
   * now and stops being provisional; any other is returned as it is. Null if it is gone.
   */
  confirm(sessionId: string): Promise<SessionRecord | null>;
  /** Merges `patch` into `data` atomically: concurrent writers of different keys both land. */
  update(sessionId: string, patch: Record<string, unknown>): Promise<SessionRecord | null>;
  delete(sessionId: string): Promise<void>;
  close(): Promise<void>;
}
