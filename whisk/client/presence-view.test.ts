import { describe, expect, it } from "vitest";
import { applyPresenceUpdate } from "./presence-view";

const ann = { userId: "u-ann", userName: "Ann", tabs: 1 };
const ben = { userId: "u-ben", userName: "Ben", tabs: 1 };
const cid = { userId: "u-cid", userName: "Cid", tabs: 2 };

describe("applyPresenceUpdate", () => {
  it("replaces the list with a snapshot, sorted by name", () => {
    expect(applyPresenceUpdate([cid], { room: "r", kind: "snapshot", users: [ben, ann] })).toEqual([ann, ben]);
  });

  it("adds, updates and removes only the users a diff names", () => {
    const after = applyPresenceUpdate([ann, ben], {
      room: "r",
      kind: "diff",
      users: [cid, { ...ann, tabs: 2 }, { ...ben, tabs: 0 }],
    });
    expect(after).toEqual([{ ...ann, tabs: 2 }, cid]);
  });

  it("ignores a diff that removes someone it never saw, and does not change the list it was given", () => {
    const before = [ann];
    expect(applyPresenceUpdate(before, { room: "r", kind: "diff", users: [{ ...ben, tabs: 0 }] })).toEqual([ann]);
    expect(before).toEqual([ann]);
  });
});
