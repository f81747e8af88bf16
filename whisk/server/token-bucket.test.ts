import { describe, expect, it } from "vitest";
import { type BucketState, fullBucket, takeToken } from "./token-bucket";

const config = { capacity: 3, perSecond: 2 };

function run(times: number[]): boolean[] {
  let state: BucketState = fullBucket(config, 0);
  return times.map((now) => {
    const result = takeToken(state, config, now);
    state = result.state;
    return result.allowed;
  });
}

describe("takeToken", () => {
  it("allows a burst up to the capacity, then refuses", () => {
    expect(run([0, 0, 0, 0, 0])).toEqual([true, true, true, false, false]);
  });

  it("refills at the given rate: one token every 500 ms at 2 per second", () => {
    expect(run([0, 0, 0, 0, 499, 500, 600, 1000])).toEqual([true, true, true, false, false, true, false, true]);
  });

  it("never holds more than the capacity, however long it rests", () => {
    expect(run([0, 100_000, 100_000, 100_000, 100_000])).toEqual([true, true, true, true, false]);
  });

  it("survives a clock that goes backwards", () => {
    expect(run([1_000, 0, 0, 0])).toEqual([true, true, true, false]);
  });
});
