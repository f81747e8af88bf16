import pino from "pino";
import { describe, expect, it } from "vitest";
import type { Bus } from "../bus";
import { MemoryPresenceStore, type PresenceEntry } from "../presence";
import { PresenceTracker } from "./presence-tracker";

const entry = (n: number): PresenceEntry => ({ socketId: `s${n}`, userId: `u${n}`, userName: `User ${n}`, nodeId: "node-1" });

function trackerCountingReads() {
  const store = new MemoryPresenceStore();
  let reads = 0;
  const list = store.list.bind(store);
  store.list = (room: string) => {
    reads += 1;
    return list(room);
  };
  const bus = { publishControl: async () => {} } as unknown as Bus;
  const tracker = new PresenceTracker({ store, bus, log: pino({ level: "silent" }) });
  return { tracker, reads: () => reads };
}

describe("PresenceTracker snapshots", () => {
  it("gives a crowd joining together one read of the room, each snapshot holding its joiner", async () => {
    const { tracker, reads } = trackerCountingReads();
    const crowd = Array.from({ length: 200 }, (_, i) => entry(i));
    const snapshots = await Promise.all(crowd.map((joiner) => tracker.join(joiner, "beach")));
    for (const [i, snapshot] of snapshots.entries()) expect(snapshot.map((user) => user.userId)).toContain(`u${i}`);
    expect(reads()).toBeLessThanOrEqual(2);
    await tracker.close({ leave: true });
  });

  it("reads the room again for a join after a snapshot was read", async () => {
    const { tracker, reads } = trackerCountingReads();
    expect((await tracker.join(entry(1), "beach")).map((user) => user.userId)).toEqual(["u1"]);
    expect((await tracker.join(entry(2), "beach")).map((user) => user.userId)).toEqual(["u1", "u2"]);
    expect(reads()).toBe(2);
    await tracker.close({ leave: true });
  });
});
