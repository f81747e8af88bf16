import { describe, expect, it } from "vitest";
import { MemorySessionStore } from "../session/memory-session-store";
import { jsonCopy } from "./json-copy";

describe("jsonCopy", () => {
  it("copies deeply, as JSON carries it: a change to the copy changes nothing of the original", () => {
    const original = { user: { id: "u1", tags: ["a"] }, at: new Date(0), gone: undefined };
    const copy = jsonCopy(original) as unknown as { user: { id: string; tags: string[] }; at: string };
    copy.user.tags.push("b");
    expect(original.user.tags).toEqual(["a"]);
    expect(copy).toEqual({ user: { id: "u1", tags: ["a", "b"] }, at: "1970-01-01T00:00:00.000Z" });
    expect(jsonCopy(undefined)).toBeUndefined();
  });

  it("is how the memory session store keeps data: as Redis would give it back", async () => {
    const store = new MemorySessionStore();
    const session = await store.create({ userId: "u1", userName: "Ann", data: { since: new Date(0) } }, 60_000);
    const patch = { seen: { at: new Date(1_000) } };
    await store.update(session.id, patch);
    patch.seen.at.setTime(2_000);
    expect((await store.get(session.id))?.data).toEqual({ since: "1970-01-01T00:00:00.000Z", seen: { at: "1970-01-01T00:00:01.000Z" } });
    await store.close();
  });
});
