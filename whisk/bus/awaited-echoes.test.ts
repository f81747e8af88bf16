import { describe, expect, it } from "vitest";
import { AwaitedEchoes } from "./awaited-echoes";

describe("AwaitedEchoes", () => {
  it("drops each awaited copy once, then no more", () => {
    const echoes = new AwaitedEchoes();
    echoes.expect("a", 2);
    expect(echoes.take("a")).toBe(true);
    expect(echoes.take("a")).toBe(true);
    expect(echoes.take("a")).toBe(false);
    expect(echoes.take("never published")).toBe(false);
    expect(echoes.size).toEqual({ texts: 0, bytes: 0 });
  });

  it("forgets the oldest past its count", () => {
    const echoes = new AwaitedEchoes(3);
    for (const text of ["1", "2", "3", "4"]) echoes.expect(text, 1);
    expect(echoes.take("1")).toBe(false);
    expect(echoes.take("4")).toBe(true);
    expect(echoes.size.texts).toBe(2);
  });

  it("holds at most 16 MB while Redis is down and no echo comes back: 1,000 envelopes of 64 KB each", () => {
    const echoes = new AwaitedEchoes();
    const big = (i: number) => `${i}:${"x".repeat(64 * 1024)}`;
    for (let i = 0; i < 1_000; i++) echoes.expect(big(i), 2);
    const { texts, bytes } = echoes.size;
    console.log(`awaited echoes after 1,000 unanswered 64 KB envelopes: ${texts} texts, ${(bytes / 1024 / 1024).toFixed(1)} MB`);
    expect(bytes).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(texts).toBeLessThan(1_000);
    // The newest are the ones kept: they are the likeliest to be answered once Redis is back.
    expect(echoes.take(big(999))).toBe(true);
    expect(echoes.take(big(0))).toBe(false);
  });
});
