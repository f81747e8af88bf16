import pino from "pino";
import type { Socket } from "socket.io";
import { describe, expect, it } from "vitest";
import type { Bus } from "../bus";
import type { PresenceUpdate } from "../core/protocol";
import type { PresenceEntry } from "../presence";
import { countingPresenceStore } from "../presence/counting-presence-store";
import { PresenceTracker } from "./presence-tracker";

const entry = (n: number): PresenceEntry => ({ socketId: `s${n}`, userId: `u${n}`, userName: `User ${n}`, nodeId: "node-1" });

/** A tracker on a memory store that counts its reads, and sockets whose local emits are recorded. */
function trackerWithSockets() {
  const { store, reads } = countingPresenceStore();
  const bus = { publishControl: async () => {}, onPublished: () => () => {} } as unknown as Bus;
  const tracker = new PresenceTracker({ store, bus, log: pino({ level: "silent" }) });
  const emits: { to: string[]; event: string; snapshot: PresenceUpdate }[] = [];
  const nsp = {
    local: { to: (to: string[]) => ({ emit: (event: string, snapshot: PresenceUpdate) => emits.push({ to: [...to], event, snapshot }) }) },
  };
  const socket = (id: string) => ({ id, nsp }) as unknown as Socket;
  /** What a route's `ctx.socket.join` does with presence. */
  const join = async (joiner: PresenceEntry, room: string) => {
    if (await tracker.join(joiner, room)) await tracker.snapshots.send(socket(joiner.socketId), room);
  };
  const userIds = (i: number) => emits[i]?.snapshot.users.map((user) => user.userId);
  return { tracker, join, emits, userIds, reads, store };
}

describe("presence snapshots for joiners", () => {
  it("gives a crowd joining together one read of the room and one emit, the snapshot holding every joiner", async () => {
    const { tracker, join, emits, reads } = trackerWithSockets();
    const crowd = Array.from({ length: 200 }, (_, i) => entry(i));
    await Promise.all(crowd.map((joiner) => join(joiner, "beach")));
    expect(reads()).toBeLessThanOrEqual(2);
    const sentTo = emits.flatMap((emit) => emit.to);
    expect(sentTo.sort()).toEqual(crowd.map((joiner) => joiner.socketId).sort());
    for (const emit of emits) {
      expect(emit).toMatchObject({ event: "whisk.presence", snapshot: { room: "beach", kind: "snapshot" } });
      const present = emit.snapshot.users.map((user) => user.userId);
      for (const socketId of emit.to) expect(present).toContain(`u${socketId.slice(1)}`);
    }
    await tracker.close({ leave: true });
  });

  it("reads the room again for a join after a snapshot was sent", async () => {
    const { tracker, join, userIds, reads } = trackerWithSockets();
    await join(entry(1), "beach");
    expect(userIds(0)).toEqual(["u1"]);
    await join(entry(2), "beach");
    expect(userIds(1)).toEqual(["u1", "u2"]);
    expect(reads()).toBe(2);
    await tracker.close({ leave: true });
  });

  it("sends different rooms separately, each to its own joiners", async () => {
    const { tracker, join, emits } = trackerWithSockets();
    await Promise.all([join(entry(1), "beach"), join(entry(2), "orbit")]);
    expect(emits.map(({ to, snapshot }) => [to, snapshot.room]).sort()).toEqual([
      [["s1"], "beach"],
      [["s2"], "orbit"],
    ]);
    await tracker.close({ leave: true });
  });

  it("fails the joins of a batch whose read fails, so the route answers with an error", async () => {
    const { tracker, join, emits, store } = trackerWithSockets();
    store.list = async () => {
      throw new Error("store down");
    };
    await expect(join(entry(1), "beach")).rejects.toThrow("store down");
    expect(emits).toEqual([]);
    await tracker.close({ leave: true });
  });
});
