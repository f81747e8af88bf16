/** Who a ws_token was issued to. A token proves nothing else. */
export interface TokenBinding {
  sessionId: string;
  userId: string;
}

export interface IssuedToken {
  token: string;
  expiresAt: number;
}

/**
 * One-time ws_tokens. `consume` is atomic: of any number of concurrent calls with the same
 * token, exactly one gets the binding; the others, and every later call, get `null`.
 * Implemented in memory (`MemoryTokenStore`) and in Redis (GETDEL) behind this interface.
 */
export interface TokenStore {
  issue(binding: TokenBinding, ttlMs: number): Promise<IssuedToken>;
  consume(token: string): Promise<TokenBinding | null>;
  close(): Promise<void>;
}
