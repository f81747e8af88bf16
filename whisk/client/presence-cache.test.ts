import { describe, expect, it, vi } from "vitest";
import { PresenceCache } from "./presence-cache";

const ann = { userId: "u-ann", userName: "Ann", tabs: 1 };
const ben = { userId: "u-ben", userName: "Ben", tabs: 1 };

describe("PresenceCache", () => {
  it("has nobody in a room it has no update for, as the same list every time (useSyncExternalStore needs that)", () => {
    const store = new PresenceCache();
    expect(store.usersIn("beach")).toEqual([]);
    expect(store.usersIn("beach")).toBe(store.usersIn("beach"));
    expect(store.usersIn("beach")).toBe(store.usersIn("dock"));
  });

  it("keeps each room's people from its own updates", () => {
    const store = new PresenceCache();
    store.apply({ room: "beach", kind: "snapshot", users: [ben] });
    store.apply({ room: "dock", kind: "snapshot", users: [ann] });
    store.apply({ room: "beach", kind: "diff", users: [ann] });
    expect(store.usersIn("beach")).toEqual([ann, ben]);
    expect(store.usersIn("dock")).toEqual([ann]);
  });

  it("returns the same list until the next update, and a new one after it", () => {
    const store = new PresenceCache();
    store.apply({ room: "beach", kind: "snapshot", users: [ann] });
    const before = store.usersIn("beach");
    expect(store.usersIn("beach")).toBe(before);
    store.apply({ room: "beach", kind: "diff", users: [ben] });
    expect(store.usersIn("beach")).not.toBe(before);
  });

  it("tells every subscriber after each update, until it unsubscribes", () => {
    const store = new PresenceCache();
    const first = vi.fn();
    const second = vi.fn();
    const unsubscribeFirst = store.subscribe(first);
    store.subscribe(second);
    store.apply({ room: "beach", kind: "snapshot", users: [ann] });
    unsubscribeFirst();
    store.apply({ room: "dock", kind: "snapshot", users: [ben] });
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(2);
  });
});
