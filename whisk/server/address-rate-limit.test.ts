import { describe, expect, it } from "vitest";
import { manualClock } from "../testing/manual-clock";
import { AddressRateLimit } from "./address-rate-limit";

describe("AddressRateLimit", () => {
  it("lets a burst through per address, then refills at the rate", () => {
    const clock = manualClock(0);
    const limit = new AddressRateLimit({ capacity: 5, perSecond: 2 }, clock.now);
    const first = Array.from({ length: 8 }, () => limit.take("10.0.0.1"));
    expect(first.filter(Boolean)).toHaveLength(5);
    expect(limit.take("10.0.0.2")).toBe(true);
    clock.advance(1_000);
    expect([limit.take("10.0.0.1"), limit.take("10.0.0.1"), limit.take("10.0.0.1")]).toEqual([true, true, false]);
  });

  it("remembers at most maxAddresses, forgetting the least recently seen", () => {
    const limit = new AddressRateLimit({ capacity: 1, perSecond: 1, maxAddresses: 100 }, () => 0);
    for (let i = 0; i < 1_000; i++) limit.take(`10.0.${i >> 8}.${i & 255}`);
    expect(limit.size).toBe(100);
  });

  it("counts the addresses of one IPv6 /64 as one client", () => {
    const limit = new AddressRateLimit({ capacity: 2, perSecond: 1 }, () => 0);
    expect(["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3"].map((address) => limit.take(address))).toEqual([
      true,
      true,
      false,
    ]);
    expect(limit.take("2001:db8:1:3::1")).toBe(true);
  });

  it("is off with perSecond 0", () => {
    const limit = new AddressRateLimit({ capacity: 1, perSecond: 0 });
    expect(Array.from({ length: 100 }, () => limit.take("a")).every(Boolean)).toBe(true);
    expect(limit.size).toBe(0);
  });
});
