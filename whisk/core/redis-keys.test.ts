import { describe, expect, inject, it } from "vitest";
import { connectTestRedisCluster } from "../testing/redis-for-tests";
import { redisKeys } from "./redis-keys";

describe("redisKeys on a Redis Cluster", () => {
  it("puts the keys used together in one slot, whatever braces a room, stream or queue name holds", async () => {
    const { redis, prefix, cleanup } = await connectTestRedisCluster(inject("redisClusterNodes"));
    const keys = redisKeys(prefix);
    const slotOf = async (key: string) => Number(await redis.cluster("KEYSLOT", key));
    try {
      // Names that look like hash tags of their own: an empty tag, a closing brace first, nested braces.
      for (const name of ["orbit", "}", "{", "{}", "}x{y}", "a}b{c", ""]) {
        expect(await slotOf(keys.presenceEntries(name)), name).toBe(await slotOf(keys.presenceExpiries(name)));
        expect(await slotOf(keys.historyEpoch(name)), name).toBe(await slotOf(keys.history(name)));
        expect(await slotOf(keys.deadLetters(name)), name).toBe(await slotOf(keys.queue(name)));
      }
      expect(await slotOf(keys.gatewayUrls)).toBe(await slotOf(keys.gateways));
      expect(await slotOf(keys.gatewayTurn)).toBe(await slotOf(keys.gateways));
    } finally {
      await cleanup();
    }
  });

  it("refuses a prefix with a brace, which would become the hash tag of every key", () => {
    expect(() => redisKeys("{app}:")).toThrow(/may not contain \{ or \}/);
  });
});
