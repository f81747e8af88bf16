import { createHash } from "node:crypto";
import { z } from "zod";
import { DEFAULT_REDIS_PREFIX } from "../core/defaults";
import type { RedisConnection } from "../core/redis-connection";
import { type RedisKeys, redisKeys } from "../core/redis-keys";
import type { IssuedToken, TokenBinding, TokenStore } from "./token-store";
import { createWsToken, isWellFormedWsToken } from "./ws-token";

const bindingSchema = z.object({ sessionId: z.string(), userId: z.string() });

/**
 * ws_tokens in Redis, shared by every web and gateway process. `consume` is one `GETDEL`, so of
 * any number of gateways racing with one token exactly one wins. Keys hold a SHA-256 of the token,
 * so reading Redis does not yield a usable token; Redis expires them (`PX`).
 */
export class RedisTokenStore implements TokenStore {
  private readonly keys: RedisKeys;

  constructor(
    private readonly redis: RedisConnection,
    prefix = DEFAULT_REDIS_PREFIX,
  ) {
    this.keys = redisKeys(prefix);
  }

  async issue(binding: TokenBinding, ttlMs: number): Promise<IssuedToken> {
    const token = createWsToken();
    const expiresAt = Date.now() + ttlMs;
    await this.redis.set(this.key(token), JSON.stringify(bindingSchema.parse(binding)), "PX", ttlMs);
    return { token, expiresAt };
  }

  async consume(token: string): Promise<TokenBinding | null> {
    if (!isWellFormedWsToken(token)) return null;
    const stored = await this.redis.getdel(this.key(token));
    if (stored === null) return null;
    try {
      const parsed = bindingSchema.safeParse(JSON.parse(stored));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  /** The Redis connection belongs to the caller, who closes it. */
  async close(): Promise<void> {}

  private key(token: string) {
    return this.keys.token(createHash("sha256").update(token).digest("base64url"));
  }
}
