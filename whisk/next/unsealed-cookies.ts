/**
 * Session cookies already unsealed by this process, for a minute: the session id each one holds.
 *
 * iron-session's unseal (key derivation, HMAC and AES, each a WebCrypto job) was the largest part
 * of a token request's server CPU after Next.js's own (a CPU profile of `POST /api/ws-token`), and
 * the same cookie comes back again and again: the token route, the actions, every page. A seal is
 * authenticated, so the same string always unseals to the same id until it expires, and a minute
 * is far inside the cookie's own lifetime. Signing out ends the session's record, which every
 * caller reads next, so a cached id never outlives a sign-out.
 *
 * Bounded in entries and in bytes (the seals are the keys): a flood of distinct forged cookies
 * never gets in (only seals that unsealed are kept), and distinct real ones push out the oldest.
 */
export class UnsealedCookies {
  private readonly entries = new Map<string, { sessionId: string; until: number }>();
  private bytes = 0;

  constructor(
    private readonly options: { maxEntries: number; maxBytes: number; lifeMs: number } = {
      maxEntries: 10_000,
      maxBytes: 8 * 1024 * 1024,
      lifeMs: 60_000,
    },
  ) {}

  /** The session id `seal` unsealed to, if it did here less than `lifeMs` ago. */
  get(seal: string, now = Date.now()): string | undefined {
    const entry = this.entries.get(seal);
    if (!entry) return undefined;
    if (entry.until > now) return entry.sessionId;
    this.delete(seal);
    return undefined;
  }

  /** Keeps what `seal` unsealed to; the oldest entries leave while either bound is passed. */
  set(seal: string, sessionId: string, now = Date.now()): void {
    const size = seal.length + sessionId.length;
    if (size > this.options.maxBytes) return;
    this.delete(seal);
    this.entries.set(seal, { sessionId, until: now + this.options.lifeMs });
    this.bytes += size;
    // Entries leave in the order they came (all live as long), so the oldest go first: those past
    // their life, then any past a bound. What is held is the last minute's cookies, at most.
    for (const [oldest, entry] of this.entries) {
      const overBound = this.entries.size > this.options.maxEntries || this.bytes > this.options.maxBytes;
      if (!overBound && entry.until > now) break;
      this.delete(oldest);
    }
  }

  delete(seal: string): void {
    const entry = this.entries.get(seal);
    if (!entry) return;
    this.entries.delete(seal);
    this.bytes -= seal.length + entry.sessionId.length;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}
