import { afterEach, describe, expect, it, vi } from "vitest";
import { manualClock } from "../testing/manual-clock";
import { MemorySessionStore } from "./memory-session-store";

const stores: MemorySessionStore[] = [];
function newStore(now?: () => number) {
  const store = new MemorySessionStore(now);
  stores.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  vi.useRealTimers();
});

const HOUR = 60 * 60 * 1000;

describe("MemorySessionStore", () => {
  it("creates a record with the user, the data, and times taken from the clock", async () => {
    const clock = manualClock(50_000);
    const store = newStore(clock.now);
    const record = await store.create({ userId: "u1", userName: "Ada", data: { theme: "dark" } }, HOUR);
    expect(record).toEqual({
      id: expect.any(String),
      kind: "member",
      userId: "u1",
      userName: "Ada",
      createdAt: 50_000,
      expiresAt: 50_000 + HOUR,
      data: { theme: "dark" },
    });
  });

  it("gives a created record empty data when none was given", async () => {
    const store = newStore();
    const record = await store.create({ userId: "u1", userName: "Ada" }, HOUR);
    expect(record.data).toEqual({});
  });

  it("gives every session a distinct, unguessable id", async () => {
    const store = newStore();
    const records = await Promise.all(Array.from({ length: 100 }, () => store.create({ userId: "u1", userName: "Ada" }, HOUR)));
    const ids = new Set(records.map((record) => record.id));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it("gets a created session by its id", async () => {
    const store = newStore();
    const created = await store.create({ userId: "u1", userName: "Ada", data: { n: 1 } }, HOUR);
    expect(await store.get(created.id)).toEqual(created);
  });

  it("returns null from get for an id it never created", async () => {
    const store = newStore();
    await store.create({ userId: "u1", userName: "Ada" }, HOUR);
    expect(await store.get("no-such-session")).toBeNull();
  });

  it("merges an update into the data key by key, keeping keys the patch does not name", async () => {
    const store = newStore();
    const { id } = await store.create({ userId: "u1", userName: "Ada", data: { theme: "dark", lang: "en" } }, HOUR);
    const updated = await store.update(id, { lang: "fr", volume: 3 });
    expect(updated?.data).toEqual({ theme: "dark", lang: "fr", volume: 3 });
    expect((await store.get(id))?.data).toEqual({ theme: "dark", lang: "fr", volume: 3 });
  });

  it("changes only the data on update, never the id, user or times", async () => {
    const clock = manualClock();
    const store = newStore(clock.now);
    const created = await store.create({ userId: "u1", userName: "Ada" }, HOUR);
    clock.advance(1_000);
    const updated = await store.update(created.id, { userId: "u2", userName: "Eve", expiresAt: Number.MAX_SAFE_INTEGER });
    expect(updated).toEqual({ ...created, data: { userId: "u2", userName: "Eve", expiresAt: Number.MAX_SAFE_INTEGER } });
  });

  it("lands both of two concurrent updates of different keys", async () => {
    const store = newStore();
    const { id } = await store.create({ userId: "u1", userName: "Ada", data: { base: true } }, HOUR);
    await Promise.all([store.update(id, { left: 1 }), store.update(id, { right: 2 })]);
    expect((await store.get(id))?.data).toEqual({ base: true, left: 1, right: 2 });
  });

  it("lands all of 50 concurrent updates of different keys", async () => {
    const store = newStore();
    const { id } = await store.create({ userId: "u1", userName: "Ada" }, HOUR);
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.update(id, { [`k${i}`]: i })));
    const data = (await store.get(id))?.data ?? {};
    expect(Object.keys(data)).toHaveLength(50);
    expect(data.k0).toBe(0);
    expect(data.k49).toBe(49);
  });

  it("returns null from update on a session that does not exist, and does not create one", async () => {
    const store = newStore();
    expect(await store.update("no-such-session", { a: 1 })).toBeNull();
    expect(await store.get("no-such-session")).toBeNull();
  });

  it("deletes a session, after which get and update return null", async () => {
    const store = newStore();
    const { id } = await store.create({ userId: "u1", userName: "Ada" }, HOUR);
    await store.delete(id);
    expect(await store.get(id)).toBeNull();
    expect(await store.update(id, { a: 1 })).toBeNull();
  });

  it("deletes only the session it is asked to", async () => {
    const store = newStore();
    const kept = await store.create({ userId: "u1", userName: "Ada" }, HOUR);
    const deleted = await store.create({ userId: "u1", userName: "Ada" }, HOUR);
    await store.delete(deleted.id);
    expect(await store.get(kept.id)).toEqual(kept);
  });

  it("does not throw when deleting a session that does not exist", async () => {
    const store = newStore();
    await expect(store.delete("no-such-session")).resolves.toBeUndefined();
  });

  it("still returns a session one millisecond before it expires", async () => {
    const clock = manualClock();
    const store = newStore(clock.now);
    const { id } = await store.create({ userId: "u1", userName: "Ada" }, HOUR);
    clock.advance(HOUR - 1);
    expect(await store.get(id)).not.toBeNull();
  });

  it("returns null from get once a session has expired", async () => {
    const clock = manualClock();
    const store = newStore(clock.now);
    const { id } = await store.create({ userId: "u1", userName: "Ada" }, HOUR);
    clock.advance(HOUR);
    expect(await store.get(id)).toBeNull();
  });

  it("returns null from update once a session has expired, and does not bring it back", async () => {
    const clock = manualClock();
    const store = newStore(clock.now);
    const { id } = await store.create({ userId: "u1", userName: "Ada" }, HOUR);
    clock.advance(HOUR + 1);
    expect(await store.update(id, { a: 1 })).toBeNull();
    clock.advance(-HOUR);
    expect(await store.get(id)).toBeNull();
  });

  it("does not extend a session's expiry when it is read or updated", async () => {
    const clock = manualClock();
    const store = newStore(clock.now);
    const { id } = await store.create({ userId: "u1", userName: "Ada" }, HOUR);
    clock.advance(HOUR - 10);
    await store.get(id);
    await store.update(id, { a: 1 });
    clock.advance(10);
    expect(await store.get(id)).toBeNull();
  });

  it("returns a copy from get, so changing it does not change the stored session", async () => {
    const store = newStore();
    const { id } = await store.create({ userId: "u1", userName: "Ada", data: { prefs: { theme: "dark" } } }, HOUR);
    const copy = await store.get(id);
    if (!copy) throw new Error("expected the session");
    copy.userId = "u2";
    copy.expiresAt = 0;
    copy.data.extra = true;
    (copy.data.prefs as { theme: string }).theme = "light";
    expect(await store.get(id)).toEqual(expect.objectContaining({ userId: "u1", data: { prefs: { theme: "dark" } } }));
  });

  it("returns a copy from create and from update, so changing them does not change the stored session", async () => {
    const store = newStore();
    const created = await store.create({ userId: "u1", userName: "Ada", data: { n: 1 } }, HOUR);
    created.data.n = 99;
    const updated = await store.update(created.id, { m: 2 });
    if (!updated) throw new Error("expected the session");
    updated.data.m = 99;
    expect((await store.get(created.id))?.data).toEqual({ n: 1, m: 2 });
  });

  it("copies an update's patch, so changing the patch afterwards does not change the stored session", async () => {
    const store = newStore();
    const { id } = await store.create({ userId: "u1", userName: "Ada" }, HOUR);
    const patch = { prefs: { theme: "dark" } };
    await store.update(id, patch);
    patch.prefs.theme = "light";
    expect((await store.get(id))?.data).toEqual({ prefs: { theme: "dark" } });
  });

  it("copies the top level of the data given to create, so adding keys to it afterwards does not change the stored session", async () => {
    const store = newStore();
    const data: Record<string, unknown> = { theme: "dark" };
    const { id } = await store.create({ userId: "u1", userName: "Ada", data }, HOUR);
    data.theme = "light";
    data.extra = true;
    expect((await store.get(id))?.data).toEqual({ theme: "dark" });
  });

  it("forgets every session when closed", async () => {
    const store = newStore();
    const { id } = await store.create({ userId: "u1", userName: "Ada" }, HOUR);
    await store.close();
    expect(await store.get(id)).toBeNull();
  });

  it("sweeps expired sessions out of memory within a minute even if nobody reads them", async () => {
    vi.useFakeTimers();
    const clock = manualClock();
    const store = newStore(clock.now);
    await store.create({ userId: "u1", userName: "Ada" }, 1_000);
    const live = await store.create({ userId: "u2", userName: "Bob" }, HOUR);
    const records = (store as unknown as { records: Map<string, unknown> }).records;
    expect(records.size).toBe(2);
    clock.advance(60_000);
    vi.advanceTimersByTime(60_000);
    expect([...records.keys()]).toEqual([live.id]);
  });
});

describe("MemorySessionStore: provisional sessions (made for a token request, nobody signed in)", () => {
  const QUARTER = 15 * 60 * 1000;
  const WEEK = 7 * 24 * HOUR;

  it("lives only untilUsedMs, then is gone, when nothing connects with it", async () => {
    const clock = manualClock(0);
    const store = newStore(clock.now);
    const record = await store.create({ userId: "guest", userName: "1234" }, WEEK, { untilUsedMs: QUARTER });
    expect(record).toMatchObject({ expiresAt: QUARTER, pendingTtlMs: WEEK });
    clock.advance(QUARTER - 1);
    expect(await store.get(record.id)).not.toBeNull();
    clock.advance(1);
    expect(await store.get(record.id)).toBeNull();
  });

  it("gets the full TTL from the moment confirm says it was used, once", async () => {
    const clock = manualClock(0);
    const store = newStore(clock.now);
    const { id } = await store.create({ userId: "guest", userName: "1234" }, WEEK, { untilUsedMs: QUARTER });
    clock.advance(10 * 60 * 1000);
    const confirmed = await store.confirm(id);
    expect(confirmed?.expiresAt).toBe(10 * 60 * 1000 + WEEK);
    expect(confirmed).not.toHaveProperty("pendingTtlMs");
    clock.advance(HOUR);
    // A second confirm changes nothing: the TTL runs from the first use, not from every use.
    expect((await store.confirm(id))?.expiresAt).toBe(10 * 60 * 1000 + WEEK);
    expect(await store.get(id)).toMatchObject({ expiresAt: 10 * 60 * 1000 + WEEK });
  });

  it("leaves a normal session as it is on confirm, and confirms nothing that is gone", async () => {
    const clock = manualClock(0);
    const store = newStore(clock.now);
    const normal = await store.create({ userId: "u1", userName: "Ada" }, HOUR);
    expect(normal).not.toHaveProperty("pendingTtlMs");
    clock.advance(1_000);
    expect(await store.confirm(normal.id)).toEqual(normal);
    const late = await store.create({ userId: "guest", userName: "1234" }, WEEK, { untilUsedMs: QUARTER });
    clock.advance(QUARTER);
    expect(await store.confirm(late.id)).toBeNull();
  });
});
