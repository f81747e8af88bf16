import pino from "pino";
import { describe, expect, it } from "vitest";
import { Bus } from "../bus/bus";
import { MemoryTransport } from "../bus/memory-transport";
import { toRoom } from "../core/address";
import { PRESENCE_TOPIC, type PresenceUpdate } from "../core/protocol";
import type { PresenceEntry } from "../presence";
import { countingPresenceStore } from "../presence/counting-presence-store";
import { PresenceTracker } from "./presence-tracker";

const entry = (n: number): PresenceEntry => ({ socketId: `s${n}`, userId: `u${n}`, userName: `User ${n}`, nodeId: "node-1" });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A tracker over a memory store that counts its reads, on a memory bus another gateway also publishes to. */
function setUp() {
  const { store, reads } = countingPresenceStore();
  const transport = new MemoryTransport();
  const tracker = new PresenceTracker({ store, bus: new Bus(transport, "node-1"), log: pino({ level: "silent" }), coalesceMs: 10 });
  const otherGateway = new Bus(transport, "node-2");
  return { store, tracker, otherGateway, reads };
}

describe("PresenceTracker.recentUsersIn", () => {
  it("reads a room once for every caller within maxAgeMs, and again after it", async () => {
    const { tracker, reads } = setUp();
    await tracker.join(entry(1), "orbit");
    await sleep(50); // the join's own announcement (which reads the room too) is out
    const before = reads();
    const answers = await Promise.all(Array.from({ length: 100 }, () => tracker.recentUsersIn("orbit", 200)));
    expect(answers.every((users) => users.length === 1)).toBe(true);
    expect(reads() - before).toBe(1);
    await sleep(250);
    await tracker.recentUsersIn("orbit", 200);
    expect(reads() - before).toBe(2);
    await tracker.close({ leave: true });
  });

  it("reads afresh after someone joins or leaves here, or another gateway announces a change", async () => {
    const { tracker, otherGateway, store } = setUp();
    await tracker.join(entry(1), "orbit");
    expect((await tracker.recentUsersIn("orbit", 60_000)).map((user) => user.userId)).toEqual(["u1"]);
    await tracker.join(entry(2), "orbit");
    expect((await tracker.recentUsersIn("orbit", 60_000)).map((user) => user.userId)).toEqual(["u1", "u2"]);
    await tracker.leave("s1", "orbit");
    expect((await tracker.recentUsersIn("orbit", 60_000)).map((user) => user.userId)).toEqual(["u2"]);

    // Someone arrives through another gateway, which writes the store and tells the room.
    await store.add("orbit", { ...entry(3), nodeId: "node-2" }, 6_000);
    await otherGateway.publishControl(PRESENCE_TOPIC, { room: "orbit", kind: "diff", users: [] }, [toRoom("orbit")]);
    await sleep(10);
    expect((await tracker.recentUsersIn("orbit", 60_000)).map((user) => user.userId)).toEqual(["u2", "u3"]);
    await tracker.close({ leave: true });
  });
});

describe("PresenceTracker.usersIn", () => {
  it("reads a room once for every caller of one turn (a crowd entering at once), each answer including what was written before it asked", async () => {
    const { tracker, reads } = setUp();
    await sleep(20);
    const before = reads();
    // 1,000 people enter at once, each asking who is there after writing its own entry, as
    // room.join's authorize and snapshot do: without sharing, 1,000 reads of a growing room.
    const answers = await Promise.all(
      Array.from({ length: 1_000 }, async (_, i) => {
        await tracker.join(entry(i), "orbit");
        return tracker.usersIn("orbit");
      }),
    );
    expect(reads() - before).toBeLessThanOrEqual(2); // a join's own announcement may read once more
    expect(answers.every((users) => users.length === 1_000)).toBe(true);

    // A later caller reads afresh, and sees who came since.
    await tracker.join(entry(1_000), "orbit");
    expect(await tracker.usersIn("orbit")).toHaveLength(1_001);
    await tracker.close({ leave: true });
  });
});

/** A tracker over a memory store whose heartbeat writes (`renew`) call `beforeRenew` first. */
function heartbeatTracker(options: { ttlMs?: number; refreshMs: number; beforeRenew: (entries: readonly PresenceEntry[]) => unknown }) {
  const { store } = countingPresenceStore();
  const renew = store.renew.bind(store);
  store.renew = async (room, entries, ttlMs) => {
    await options.beforeRenew(entries);
    return renew(room, entries, ttlMs);
  };
  const tracker = new PresenceTracker({
    store,
    bus: new Bus(new MemoryTransport(), "node-1"),
    log: pino({ level: "silent" }),
    ttlMs: options.ttlMs,
    refreshMs: options.refreshMs,
  });
  return { store, tracker };
}

describe("PresenceTracker heartbeat", () => {
  it("renews every socket of a room in one write per 500, and keeps them present past their expiry", async () => {
    const renewals: number[] = [];
    const { store, tracker } = heartbeatTracker({ ttlMs: 300, refreshMs: 100, beforeRenew: (entries) => renewals.push(entries.length) });
    for (let n = 0; n < 1_200; n++) await tracker.join(entry(n), "orbit");
    await tracker.join(entry(0), "beach");
    await sleep(450);
    // Each tick: orbit's 1,200 in writes of 500, 500 and 200; beach's one socket in one.
    expect(renewals.slice(0, 4).sort((a, b) => a - b)).toEqual([1, 200, 500, 500]);
    // Joined with a 300 ms life 450 ms ago: only the heartbeat keeps them listed.
    expect(await store.list("orbit")).toHaveLength(1_200);
    await tracker.close({ leave: true });
  });

  it("does not write back a socket that left while its room was being renewed", async () => {
    let renewing: () => void = () => {};
    const renewStarted = new Promise<void>((resolve) => {
      renewing = resolve;
    });
    const { store, tracker } = heartbeatTracker({
      refreshMs: 50,
      beforeRenew: async () => {
        renewing();
        await sleep(100);
      },
    });
    await tracker.join(entry(1), "orbit");
    await tracker.join(entry(2), "orbit");
    await renewStarted;
    await tracker.leave("s1", "orbit");
    await sleep(150);
    expect((await store.list("orbit")).map((each) => each.socketId)).toEqual(["s2"]);
    await tracker.close({ leave: true });
  });
});

describe("PresenceTracker.setState", () => {
  it("announces the user's new state as a diff, keeps it through the heartbeat, and forgets it on leaving", async () => {
    const { store } = countingPresenceStore();
    const transport = new MemoryTransport();
    const bus = new Bus(transport, "node-1");
    const tracker = new PresenceTracker({ store, bus, log: pino({ level: "silent" }), coalesceMs: 10, refreshMs: 30, ttlMs: 200 });
    const heard: PresenceUpdate[] = [];
    bus.onPublished((envelope) => {
      if (envelope.topic === PRESENCE_TOPIC) heard.push(envelope.payload as PresenceUpdate);
    });
    await tracker.join(entry(1), "orbit");
    await tracker.join(entry(2), "orbit");
    await sleep(50);
    heard.length = 0;

    expect(await tracker.setState("s1", "orbit", { typing: true })).toBe(true);
    await sleep(50);
    expect(heard).toEqual([
      { room: "orbit", kind: "diff", users: [{ userId: "u1", userName: "User 1", tabs: 1, state: { typing: true } }] },
    ]);
    // Past the entries' TTL, renewed by the heartbeat with their state.
    await sleep(300);
    expect(await tracker.usersIn("orbit")).toEqual([
      { userId: "u1", userName: "User 1", tabs: 1, state: { typing: true } },
      { userId: "u2", userName: "User 2", tabs: 1 },
    ]);

    expect(await tracker.setState("s1", "beach", { typing: true })).toBe(false);
    await tracker.leave("s1", "orbit");
    await tracker.join(entry(1), "orbit");
    expect((await tracker.usersIn("orbit"))[0]).toEqual({ userId: "u1", userName: "User 1", tabs: 1 });
    await tracker.close({ leave: true });
    await transport.close();
  });
});
