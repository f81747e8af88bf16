import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SessionStore } from "../../session/session-store";

/** What every SessionStore must do; run by the memory and the Redis store alike. */
export function runSessionStoreContract(name: string, make: () => Promise<{ store: SessionStore; cleanup(): Promise<void> }>) {
  describe(`${name} (SessionStore contract)`, () => {
    let store: SessionStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await make());
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    it("creates a session and reads it back, nested data included", async () => {
      const created = await store.create({ userId: "u1", userName: "Ann", data: { prefs: { theme: "dark" }, n: 1 } }, 60_000);
      expect(await store.get(created.id)).toEqual(created);
      expect(created.data).toEqual({ prefs: { theme: "dark" }, n: 1 });
    });

    it("keeps who is behind a session: a member unless created as a guest, still a guest once confirmed", async () => {
      const member = await store.create({ userId: "u1", userName: "Ann" }, 60_000);
      const guest = await store.create({ userId: "u2", userName: "4821" }, 60_000, { kind: "guest", untilUsedMs: 1_000 });
      expect((await store.get(member.id))?.kind).toBe("member");
      expect((await store.get(guest.id))?.kind).toBe("guest");
      expect((await store.confirm(guest.id))?.kind).toBe("guest");
    });

    it("merges updates key by key, and two concurrent writers of different keys both land", async () => {
      const { id } = await store.create({ userId: "u1", userName: "Ann", data: { kept: true } }, 60_000);
      await Promise.all([store.update(id, { room: "beach" }), store.update(id, { colour: "blue" })]);
      expect((await store.get(id))?.data).toEqual({ kept: true, room: "beach", colour: "blue" });
    });

    it("lands all of 50 concurrent updates of different keys", async () => {
      const { id } = await store.create({ userId: "u1", userName: "Ann" }, 60_000);
      await Promise.all(Array.from({ length: 50 }, (_, i) => store.update(id, { [`k${i}`]: i })));
      expect(Object.keys((await store.get(id))?.data ?? {})).toHaveLength(50);
    });

    it("returns null for a missing session, and update does not create it", async () => {
      expect(await store.get("nope")).toBeNull();
      expect(await store.update("nope", { a: 1 })).toBeNull();
      expect(await store.get("nope")).toBeNull();
    });

    it("deletes a session", async () => {
      const { id } = await store.create({ userId: "u1", userName: "Ann" }, 60_000);
      await store.delete(id);
      expect(await store.get(id)).toBeNull();
      expect(await store.update(id, { a: 1 })).toBeNull();
    });

    it("expires a session after its TTL", async () => {
      const { id } = await store.create({ userId: "u1", userName: "Ann" }, 100);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(await store.get(id)).toBeNull();
    });
  });
}
