import { describe, expect, it } from "vitest";
import { UnsealedCookies } from "./unsealed-cookies";

describe("UnsealedCookies", () => {
  it("gives back a seal's session id until its life is over", () => {
    const cache = new UnsealedCookies({ maxEntries: 10, maxBytes: 10_000, lifeMs: 60_000 });
    cache.set("seal-a", "s1", 1_000);
    expect(cache.get("seal-a", 60_999)).toBe("s1");
    expect(cache.get("seal-a", 61_000)).toBeUndefined();
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
    expect(cache.get("seal-b", 1_000)).toBeUndefined();
  });

  it("holds at most maxEntries: 20,000 sign-ins keep the newest 10,000", () => {
    const cache = new UnsealedCookies({ maxEntries: 10_000, maxBytes: 100 * 1024 * 1024, lifeMs: 60_000 });
    for (let i = 0; i < 20_000; i++) cache.set(`seal-${i}`, `s${i}`, 0);
    expect(cache.size.entries).toBe(10_000);
    expect(cache.get("seal-0", 1)).toBeUndefined();
    expect(cache.get("seal-19999", 1)).toBe("s19999");
  });

  it("holds at most maxBytes: 1,000 cookies of 4 KB in a 1 MB cache keep 255, and one bigger than the cache is not kept", () => {
    const cache = new UnsealedCookies({ maxEntries: 10_000, maxBytes: 1024 * 1024, lifeMs: 60_000 });
    for (let i = 0; i < 1_000; i++) cache.set(`${String(i).padStart(4, "0")}${"x".repeat(4_092)}`, `s${i}`, 0);
    expect(cache.size.bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(cache.size.entries).toBe(Math.floor((1024 * 1024) / (4_096 + 4)));
    cache.set("y".repeat(2 * 1024 * 1024), "s-big", 0);
    expect(cache.get("y".repeat(2 * 1024 * 1024), 1)).toBeUndefined();
  });

  it("lets go of the cookies past their life as new ones come, without being read", () => {
    const cache = new UnsealedCookies({ maxEntries: 10_000, maxBytes: 10_000_000, lifeMs: 60_000 });
    for (let i = 0; i < 1_000; i++) cache.set(`seal-${i}`, `s${i}`, 0);
    cache.set("seal-late", "s-late", 60_000);
    expect(cache.size.entries).toBe(1);
  });

  it("counts a seal set twice once", () => {
    const cache = new UnsealedCookies({ maxEntries: 10, maxBytes: 10_000, lifeMs: 60_000 });
    cache.set("seal-a", "s1", 0);
    cache.set("seal-a", "s1", 0);
    expect(cache.size).toEqual({ entries: 1, bytes: "seal-a".length + 2 });
    cache.delete("seal-a");
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
  });
});
