import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PresenceEntry, PresenceStore } from "../../presence/presence-store";

const entry = (socketId: string, userId = "u1", nodeId = "ws-1"): PresenceEntry => ({ socketId, userId, userName: userId, nodeId });
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What every PresenceStore must do; run by the memory and the Redis store alike. */
export function runPresenceStoreContract(name: string, make: () => Promise<{ store: PresenceStore; cleanup(): Promise<void> }>) {
  describe(`${name} (PresenceStore contract)`, () => {
    let store: PresenceStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await make());
    });
    afterEach(async () => {
      await cleanup();
    });

    it("lists the sockets in a room, and forgets a removed one", async () => {
      await store.add("beach", entry("s1"), 10_000);
      await store.add("beach", entry("s2", "u2"), 10_000);
      await store.add("park", entry("s3"), 10_000);
      expect((await store.list("beach")).map((e) => e.socketId).sort()).toEqual(["s1", "s2"]);
      await store.remove("beach", "s1");
      expect(await store.list("beach")).toEqual([entry("s2", "u2")]);
    });

    it("keeps an entry's state as written, and a second write of the same socket replaces it", async () => {
      await store.add("beach", { ...entry("s1"), state: { typing: true }, stateAt: 1 }, 10_000);
      await store.add("beach", { ...entry("s1"), state: { typing: false, cursor: [3, 4] }, stateAt: 2 }, 10_000);
      await store.renew("beach", [{ ...entry("s2", "u2"), state: { idle: true }, stateAt: 3 }], 10_000);
      const listed = (await store.list("beach")).sort((a, b) => a.socketId.localeCompare(b.socketId));
      expect(listed).toEqual([
        { ...entry("s1"), state: { typing: false, cursor: [3, 4] }, stateAt: 2 },
        { ...entry("s2", "u2"), state: { idle: true }, stateAt: 3 },
      ]);
    });

    it("stops listing an entry that was not refreshed in time, and sweep reports its room once", async () => {
      await store.add("beach", entry("dead", "u1", "ws-dead"), 100);
      await store.add("beach", entry("alive", "u2"), 10_000);
      await wait(250);
      expect((await store.list("beach")).map((e) => e.socketId)).toEqual(["alive"]);
      expect(await store.sweep()).toEqual(["beach"]);
      expect(await store.sweep()).toEqual([]);
    });

    it("renews many entries of a room in one go, and writes again one that expired meanwhile", async () => {
      await store.add("beach", entry("s1"), 200);
      await store.add("beach", entry("s2", "u2"), 200);
      await store.add("beach", entry("late", "u3"), 50);
      await store.add("park", entry("s3"), 200);
      await wait(120);
      expect(await store.sweep()).toEqual(["beach"]);
      await store.renew("beach", [entry("s1"), entry("s2", "u2"), entry("late", "u3")], 200);
      await wait(120);
      // Renewed: all three in beach, "late" written again after the sweep took it; park's entry, not renewed, is gone.
      expect((await store.list("beach")).map((e) => e.socketId).sort()).toEqual(["late", "s1", "s2"]);
      expect(await store.list("park")).toEqual([]);
      await store.renew("beach", [], 200);
      expect(await store.list("beach")).toHaveLength(3);
    });

    it("keeps an entry alive while it is refreshed", async () => {
      await store.add("beach", entry("s1"), 200);
      await wait(120);
      await store.add("beach", entry("s1"), 200);
      await wait(120);
      expect(await store.list("beach")).toHaveLength(1);
    });
  });
}
