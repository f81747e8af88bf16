import { describe, expect, inject, it } from "vitest";
import { runPresenceStoreContract } from "../testing/contracts/presence-store-contract";
import { connectTestRedis, connectTestRedisCluster } from "../testing/redis-for-tests";
import { MemoryPresenceStore } from "./memory-presence-store";
import { groupPresence } from "./presence-store";
import { RedisPresenceStore } from "./redis-presence-store";

runPresenceStoreContract("MemoryPresenceStore", async () => ({ store: new MemoryPresenceStore(), cleanup: async () => {} }));
runPresenceStoreContract("RedisPresenceStore", async () => {
  const { redis, prefix, cleanup } = await connectTestRedis();
  return { store: new RedisPresenceStore(redis, prefix), cleanup };
});
runPresenceStoreContract("RedisPresenceStore on a Redis Cluster", async () => {
  const { redis, prefix, cleanup } = await connectTestRedisCluster(inject("redisClusterNodes"));
  return { store: new RedisPresenceStore(redis, prefix), cleanup };
});

describe("groupPresence", () => {
  it("counts a user with two tabs on two nodes as one person with two tabs, sorted by name", () => {
    expect(
      groupPresence([
        { socketId: "a", userId: "u2", userName: "Zoe", nodeId: "ws-1" },
        { socketId: "b", userId: "u1", userName: "Ann", nodeId: "ws-1" },
        { socketId: "c", userId: "u2", userName: "Zoe", nodeId: "ws-2" },
      ]),
    ).toEqual([
      { userId: "u1", userName: "Ann", tabs: 1 },
      { userId: "u2", userName: "Zoe", tabs: 2 },
    ]);
  });

  it("gives each user the state their tabs set last, and none to a user whose tabs set none", () => {
    expect(
      groupPresence([
        { socketId: "a", userId: "u1", userName: "Ann", nodeId: "ws-1", state: { typing: true }, stateAt: 20 },
        { socketId: "b", userId: "u1", userName: "Ann", nodeId: "ws-2", state: { typing: false }, stateAt: 10 },
        { socketId: "c", userId: "u1", userName: "Ann", nodeId: "ws-2" },
        { socketId: "d", userId: "u2", userName: "Bob", nodeId: "ws-1" },
      ]),
    ).toEqual([
      { userId: "u1", userName: "Ann", tabs: 3, state: { typing: true } },
      { userId: "u2", userName: "Bob", tabs: 1 },
    ]);
  });

  it("returns nobody for no entries", () => {
    expect(groupPresence([])).toEqual([]);
  });
});
