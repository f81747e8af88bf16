import { describe, expect, it } from "vitest";
import { FLOOD_PAUSES_MS, floodPause, REFUSAL_BACKOFF_MS, refusalCeiling, refusalDelay } from "./backoff";

describe("refusalCeiling", () => {
  it.each([
    [1, 250],
    [2, 500],
    [3, 1_000],
    [4, 2_000],
    [5, 4_000],
    [6, 8_000],
    [7, 16_000],
    [8, 30_000],
    [9, 30_000],
    [50, 30_000],
  ])("before try %i waits at most %i ms", (tries, ceiling) => {
    expect(refusalCeiling(tries)).toBe(ceiling);
  });

  it("doubles from the base and stops at the cap", () => {
    expect(REFUSAL_BACKOFF_MS).toEqual({ base: 250, cap: 30_000, floor: 100 });
    const ceilings = Array.from({ length: 12 }, (_, index) => refusalCeiling(index + 1));
    for (let i = 1; i < ceilings.length; i++) {
      expect(ceilings[i]).toBe(Math.min(2 * (ceilings[i - 1] as number), 30_000));
    }
  });

  it.each([0, -1, -100, Number.NaN])("clamps try %d, below 1, to the first", (tries) => {
    expect(refusalCeiling(tries)).toBe(250);
  });

  it.each([1_100, Number.MAX_SAFE_INTEGER, Number.POSITIVE_INFINITY])("holds the cap for try %d", (tries) => {
    expect(refusalCeiling(tries)).toBe(30_000);
  });
});

describe("refusalDelay", () => {
  // [tries, roll, wait]: the floor at roll 0, the ceiling at roll 1, evenly between.
  it.each([
    [1, 0, 100],
    [1, 0.5, 175],
    [1, 1, 250],
    [3, 0, 100],
    [3, 0.5, 550],
    [3, 1, 1_000],
    [8, 0, 100],
    [8, 0.5, 15_050],
    [8, 0.999, 29_970],
    [8, 1, 30_000],
    [40, 0.25, 7_575],
  ])("before try %i with roll %d waits %i ms", (tries, roll, delay) => {
    expect(refusalDelay(tries, roll)).toBe(delay);
  });

  it.each([-0.5, Number.NaN])("treats roll %d as 0: the floor", (roll) => {
    expect(refusalDelay(5, roll)).toBe(100);
  });

  it("treats a roll above 1 as 1: the ceiling", () => {
    expect(refusalDelay(5, 7)).toBe(4_000);
  });

  it("is always within [floor, ceiling], for any try and roll", () => {
    for (let tries = 1; tries <= 12; tries++) {
      for (const roll of [0, 0.1, 0.37, 0.5, 0.9, 0.999_999]) {
        const delay = refusalDelay(tries, roll);
        expect(delay).toBeGreaterThanOrEqual(100);
        expect(delay).toBeLessThanOrEqual(refusalCeiling(tries));
      }
    }
  });
});

describe("floodPause", () => {
  // [flood pauses so far, roll, wait]: never shorter than the pause, at most half again.
  it.each([
    [1, 0, 1_000],
    [1, 0.5, 1_250],
    [1, 1, 1_500],
    [2, 0, 2_000],
    [2, 1, 3_000],
    [3, 0, 5_000],
    [3, 1, 7_500],
    [10, 0.5, 6_250],
    [0, 0, 1_000],
    [Number.POSITIVE_INFINITY, 0, 5_000],
  ])("after flood %d with roll %d waits %i ms", (pauses, roll, delay) => {
    expect(floodPause(pauses, roll)).toBe(delay);
  });

  it("starts each flood's pause from FLOOD_PAUSES_MS, the last repeating", () => {
    expect(FLOOD_PAUSES_MS.map((_, index) => floodPause(index + 1, 0))).toEqual([...FLOOD_PAUSES_MS]);
    expect(floodPause(FLOOD_PAUSES_MS.length + 5, 0)).toBe(FLOOD_PAUSES_MS.at(-1));
  });
});
