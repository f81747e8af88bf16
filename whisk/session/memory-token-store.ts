import type { IssuedToken, TokenBinding, TokenStore } from "./token-store";
import { createWsToken, isWellFormedWsToken } from "./ws-token";

interface Entry {
  binding: TokenBinding;
  expiresAt: number;
}

/**
 * Tokens in a Map, for the embedded mode. Expired entries are dropped on read and by a sweep,
 * so the map cannot grow without bound.
 */
export class MemoryTokenStore implements TokenStore {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  async issue(binding: TokenBinding, ttlMs: number): Promise<IssuedToken> {
    const token = createWsToken();
    const expiresAt = this.now() + ttlMs;
    this.entries.set(token, { binding: { ...binding }, expiresAt });
    return { token, expiresAt };
  }

  async consume(token: string): Promise<TokenBinding | null> {
    if (!isWellFormedWsToken(token)) return null;
    const entry = this.entries.get(token);
    // Deleting before any await makes the check-and-delete atomic on the one JS thread.
    this.entries.delete(token);
    if (!entry || entry.expiresAt <= this.now()) return null;
    return entry.binding;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
  }

  private sweep() {
    const now = this.now();
    for (const [token, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(token);
  }
}
