import { describe, expect, it } from "vitest";
import { everyone, toNode, toRoom, toSession, toSocket, toUser } from "../core/address";
import { redisKeys } from "../core/redis-keys";
import { channelsFor, slotOf } from "./bus-channels";

const keys = redisKeys("app:");

describe("channelsFor", () => {
  it("sends an envelope for everyone on the everyone channel alone, whatever else it names", () => {
    expect(channelsFor([toUser("u"), everyone(), toNode("n")], keys, 16)).toEqual(["app:bus:everyone"]);
  });

  it("sends a node's envelope on that node's channel", () => {
    expect(channelsFor([toNode("ws-2")], keys, 16)).toEqual(["app:bus:node:ws-2"]);
  });

  it("sends users, sessions, sockets and rooms on the slot each hashes to, each channel once", () => {
    const slot = (key: string) => `app:bus:slot:${slotOf(key, 16)}`;
    const to = [toUser("u1"), toSession("s1"), toSocket("k1"), toRoom("beach"), toUser("u1")];
    expect(channelsFor(to, keys, 16)).toEqual([...new Set([slot("user:u1"), slot("session:s1"), slot("socket:k1"), slot("room:beach")])]);
  });

  it("sends an envelope for nobody nowhere", () => {
    expect(channelsFor([], keys, 16)).toEqual([]);
  });
});

describe("slotOf", () => {
  it("is the same in every process (FNV-1a, known values) and within range", () => {
    expect(slotOf("", 1 << 30)).toBe(0x811c9dc5 % (1 << 30));
    expect(slotOf("a", 2 ** 32 - 1)).toBe(0xe40c292c % (2 ** 32 - 1));
    for (const key of ["user:1", "room:beach", "session:x"]) expect(slotOf(key, 7)).toBeLessThan(7);
  });

  it("spreads 10,000 user ids over 64 slots within 25% of even", () => {
    const counts = new Array<number>(64).fill(0);
    for (let n = 0; n < 10_000; n++) {
      const slot = slotOf(`user:${n}`, 64);
      counts[slot] = (counts[slot] ?? 0) + 1;
    }
    expect(Math.min(...counts)).toBeGreaterThan((10_000 / 64) * 0.75);
    expect(Math.max(...counts)).toBeLessThan((10_000 / 64) * 1.25);
  });
});
