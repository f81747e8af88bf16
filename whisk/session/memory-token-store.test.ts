import { afterEach, describe, expect, it, vi } from "vitest";
import { manualClock } from "../testing/manual-clock";
import { MemoryTokenStore } from "./memory-token-store";
import type { TokenBinding } from "./token-store";

const binding: TokenBinding = { sessionId: "session-1", userId: "user-1" };

const stores: MemoryTokenStore[] = [];
function newStore(now?: () => number) {
  const store = new MemoryTokenStore(now);
  stores.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  vi.useRealTimers();
});

describe("MemoryTokenStore", () => {
  it("issues tokens of 43 base64url characters, which is 256 bits", async () => {
    const store = newStore();
    const { token } = await store.issue(binding, 10_000);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
  });

  it("issues a different token every time, even for the same binding", async () => {
    const store = newStore();
    const tokens = await Promise.all(Array.from({ length: 200 }, () => store.issue(binding, 10_000)));
    expect(new Set(tokens.map((issued) => issued.token)).size).toBe(200);
  });

  it("reports the expiry as the clock's time plus the ttl", async () => {
    const clock = manualClock(5_000);
    const store = newStore(clock.now);
    const issued = await store.issue(binding, 10_000);
    expect(issued.expiresAt).toBe(15_000);
  });

  it("returns the binding on the first consume of a token", async () => {
    const store = newStore();
    const { token } = await store.issue(binding, 10_000);
    expect(await store.consume(token)).toEqual({ sessionId: "session-1", userId: "user-1" });
  });

  it("returns null on every consume after the first, so a token cannot be replayed", async () => {
    const store = newStore();
    const { token } = await store.issue(binding, 10_000);
    expect(await store.consume(token)).not.toBeNull();
    expect(await store.consume(token)).toBeNull();
    expect(await store.consume(token)).toBeNull();
  });

  it("does not let consuming one token use up another", async () => {
    const store = newStore();
    const first = await store.issue(binding, 10_000);
    const second = await store.issue({ sessionId: "session-2", userId: "user-2" }, 10_000);
    await store.consume(first.token);
    expect(await store.consume(second.token)).toEqual({ sessionId: "session-2", userId: "user-2" });
  });

  it("still returns the binding one millisecond before the token expires", async () => {
    const clock = manualClock();
    const store = newStore(clock.now);
    const { token } = await store.issue(binding, 10_000);
    clock.advance(9_999);
    expect(await store.consume(token)).toEqual(binding);
  });

  it("returns null for a token consumed at the moment it expires", async () => {
    const clock = manualClock();
    const store = newStore(clock.now);
    const { token } = await store.issue(binding, 10_000);
    clock.advance(10_000);
    expect(await store.consume(token)).toBeNull();
  });

  it("returns null for a token consumed long after it expired, and still null if the clock went back", async () => {
    const clock = manualClock();
    const store = newStore(clock.now);
    const { token } = await store.issue(binding, 10_000);
    clock.advance(60_000);
    expect(await store.consume(token)).toBeNull();
    clock.advance(-60_000);
    expect(await store.consume(token)).toBeNull();
  });

  it("returns null for a token it never issued", async () => {
    const store = newStore();
    await store.issue(binding, 10_000);
    expect(await store.consume("A".repeat(43))).toBeNull();
  });

  it.each([
    ["an empty string", ""],
    ["a token one character short", "A".repeat(42)],
    ["a token one character long", "A".repeat(44)],
    ["a token with a character outside base64url", `${"A".repeat(42)}+`],
    ["a token with padding", `${"A".repeat(42)}=`],
  ])("returns null for a malformed token: %s", async (_name, token) => {
    const store = newStore();
    expect(await store.consume(token)).toBeNull();
  });

  it("returns null for a malformed token made by damaging a real one, and the real one still works", async () => {
    const store = newStore();
    const { token } = await store.issue(binding, 10_000);
    expect(await store.consume(`${token} `)).toBeNull();
    expect(await store.consume(token.slice(1))).toBeNull();
    expect(await store.consume(token)).toEqual(binding);
  });

  it("returns null for a value that is not a string at all", async () => {
    const store = newStore();
    expect(await store.consume(42 as unknown as string)).toBeNull();
    expect(await store.consume(null as unknown as string)).toBeNull();
  });

  it("gives the binding to exactly one of 100 concurrent consumes of the same token", async () => {
    const store = newStore();
    const { token } = await store.issue(binding, 10_000);
    const results = await Promise.all(Array.from({ length: 100 }, () => store.consume(token)));
    const winners = results.filter((result) => result !== null);
    expect(winners).toEqual([binding]);
    expect(results.filter((result) => result === null)).toHaveLength(99);
  });

  it("copies the binding on issue, so changing the caller's object afterwards does not change what consume returns", async () => {
    const store = newStore();
    const input: TokenBinding = { sessionId: "session-1", userId: "user-1" };
    const { token } = await store.issue(input, 10_000);
    input.sessionId = "session-evil";
    input.userId = "user-evil";
    expect(await store.consume(token)).toEqual({ sessionId: "session-1", userId: "user-1" });
  });

  it("forgets every token when closed", async () => {
    const store = newStore();
    const { token } = await store.issue(binding, 10_000);
    await store.close();
    expect(await store.consume(token)).toBeNull();
  });

  it("sweeps expired tokens out of memory within 30 seconds even if nobody consumes them", async () => {
    vi.useFakeTimers();
    const clock = manualClock();
    const store = newStore(clock.now);
    await store.issue(binding, 1_000);
    const live = await store.issue(binding, 120_000);
    const entries = (store as unknown as { entries: Map<string, unknown> }).entries;
    expect(entries.size).toBe(2);
    clock.advance(30_000);
    vi.advanceTimersByTime(30_000);
    expect([...entries.keys()]).toEqual([live.token]);
  });
});
