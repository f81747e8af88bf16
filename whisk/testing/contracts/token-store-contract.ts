import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TokenStore } from "../../session/token-store";

/**
 * What every TokenStore must do. Run by the memory and the Redis store alike:
 * `runTokenStoreContract("RedisTokenStore", async () => ({ store, cleanup }))`.
 */
export function runTokenStoreContract(name: string, make: () => Promise<{ store: TokenStore; cleanup(): Promise<void> }>) {
  describe(`${name} (TokenStore contract)`, () => {
    let store: TokenStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await make());
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    it("issues 256-bit base64url tokens, a new one each time", async () => {
      const a = await store.issue({ sessionId: "s", userId: "u" }, 5_000);
      const b = await store.issue({ sessionId: "s", userId: "u" }, 5_000);
      expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(a.token).not.toBe(b.token);
    });

    it("gives back the binding once, and null to a replay", async () => {
      const { token } = await store.issue({ sessionId: "s1", userId: "u1" }, 5_000);
      expect(await store.consume(token)).toEqual({ sessionId: "s1", userId: "u1" });
      expect(await store.consume(token)).toBeNull();
    });

    it("has exactly one winner among 100 concurrent consumers of one token", async () => {
      const { token } = await store.issue({ sessionId: "s1", userId: "u1" }, 5_000);
      const results = await Promise.all(Array.from({ length: 100 }, () => store.consume(token)));
      expect(results.filter((result) => result !== null)).toHaveLength(1);
    });

    it("returns null for an expired token", async () => {
      const { token } = await store.issue({ sessionId: "s1", userId: "u1" }, 100);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(await store.consume(token)).toBeNull();
    });

    it("returns null for unknown and malformed tokens", async () => {
      expect(await store.consume("A".repeat(43))).toBeNull();
      expect(await store.consume("not a token")).toBeNull();
      expect(await store.consume("")).toBeNull();
    });
  });
}
