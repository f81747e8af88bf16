import { describe, expect, it } from "vitest";
import { delayFor, RETRY_DELAYS_MS } from "./backoff";

describe("delayFor", () => {
  it.each([
    [1, 250],
    [2, 500],
    [3, 1_000],
    [4, 2_000],
    [5, 5_000],
  ])("waits the table's delay before try %i: %i ms", (tries, delay) => {
    expect(delayFor(tries)).toBe(delay);
  });

  it("matches RETRY_DELAYS_MS one for one, try 1 being its first entry", () => {
    expect(RETRY_DELAYS_MS.map((_, index) => delayFor(index + 1))).toEqual([...RETRY_DELAYS_MS]);
  });

  it.each([0, -1, -100])("clamps try %i, below 1, to the first delay", (tries) => {
    expect(delayFor(tries)).toBe(250);
  });

  it.each([6, 7, 100, Number.MAX_SAFE_INTEGER, Number.POSITIVE_INFINITY])("repeats the last delay for try %d, past the end", (tries) => {
    expect(delayFor(tries)).toBe(5_000);
  });

  it("never shrinks from one try to the next", () => {
    const delays = Array.from({ length: 10 }, (_, index) => delayFor(index + 1));
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1] as number);
  });
});
