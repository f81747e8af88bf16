import { describe, expect, it } from "vitest";
import { manualClock } from "../testing/manual-clock";
import { createEventRateGuard } from "./event-rate-guard";

describe("createEventRateGuard", () => {
  it("takes a costly event's cost from the same budget: at 20 a second, five a call means four calls", () => {
    const clock = manualClock(0);
    const guard = createEventRateGuard({ capacity: 20, perSecond: 20, disconnectAfter: 100 }, clock.now);
    const calls = Array.from({ length: 6 }, () => guard.check(5));
    expect(calls).toEqual(["allow", "allow", "allow", "allow", "refuse", "refuse"]);
    clock.advance(250);
    expect([guard.check(5), guard.check(1)]).toEqual(["allow", "refuse"]);
  });

  it("allows a burst, refuses past it, and disconnects a socket that keeps flooding", () => {
    const clock = manualClock(0);
    const guard = createEventRateGuard({ capacity: 2, perSecond: 1, disconnectAfter: 3 }, clock.now);
    expect([guard.check(), guard.check(), guard.check(), guard.check(), guard.check(), guard.check()]).toEqual([
      "allow",
      "allow",
      "refuse",
      "refuse",
      "refuse",
      "disconnect",
    ]);
  });

  it("forgives refusals older than 10 seconds", () => {
    const clock = manualClock(0);
    const guard = createEventRateGuard({ capacity: 1, perSecond: 0.01, disconnectAfter: 2 }, clock.now);
    expect([guard.check(), guard.check(), guard.check()]).toEqual(["allow", "refuse", "refuse"]);
    clock.advance(10_001);
    expect(guard.check()).toBe("refuse");
    expect(guard.check()).toBe("refuse");
    expect(guard.check()).toBe("disconnect");
  });

  it("lets a socket that keeps to the rate go on for ever", () => {
    const clock = manualClock(0);
    const guard = createEventRateGuard({ capacity: 1, perSecond: 10, disconnectAfter: 0 }, clock.now);
    for (let i = 0; i < 1_000; i++) {
      expect(guard.check()).toBe("allow");
      clock.advance(100);
    }
  });
});
