import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type HistoryPosition, type HistoryStore, MAX_ONCE_LENGTH } from "../../history/history-store";

interface HistoryStoreFixture {
  store: HistoryStore;
  cleanup(): Promise<void>;
  /** Loses every stream and epoch, as a Redis restart without persistence would. */
  loseEverything(): Promise<void>;
}
type CurrentFixture = () => HistoryStoreFixture;

/** What every HistoryStore must do; run by the memory and the Redis store alike. */
export function runHistoryStoreContract(name: string, make: () => Promise<HistoryStoreFixture>) {
  describe(`${name} (HistoryStore contract)`, () => {
    let current: HistoryStoreFixture;
    beforeEach(async () => {
      current = await make();
    });
    afterEach(async () => {
      await current.cleanup();
    });
    readingCases(() => current);
    resumingCases(() => current);
    onceCases(() => current);
  });
}

/** Pages of the latest entries, kept apart by stream and bounded by the limit. */
function readingCases(fixture: CurrentFixture) {
  const store = () => fixture().store;
  it("keeps messages in order and gives the last N, oldest first", async () => {
    for (let i = 1; i <= 60; i++) await store().append("room", { i });
    const page = await store().recent("room", 50);
    expect(page.entries.map((entry) => (entry.message as { i: number }).i)).toEqual(Array.from({ length: 50 }, (_, k) => k + 11));
    expect(page.resumed).toBe(false);
  });

  it("keeps at most a stream's own maxLength, the newest, and resumes within them", async () => {
    let third: HistoryPosition | undefined;
    for (let i = 1; i <= 12; i++) {
      const position = await store().append("inbox:u1", { i }, { maxLength: 5 });
      if (i === 9) third = position;
    }
    expect((await store().recent("inbox:u1", 50)).entries.map((entry) => (entry.message as { i: number }).i)).toEqual([8, 9, 10, 11, 12]);
    const since = await store().since("inbox:u1", third as HistoryPosition, 50);
    expect(since.resumed).toBe(true);
    expect(since.entries.map((entry) => (entry.message as { i: number }).i)).toEqual([10, 11, 12]);
    // Streams without bounds of their own are untouched by another's.
    for (let i = 1; i <= 8; i++) await store().append("room", { i });
    expect((await store().recent("room", 50)).entries).toHaveLength(8);
  });

  it("forgets a stream, and its epoch, once ttlMs passes without an append; each append pushes that back", async () => {
    const first = await store().append("inbox:u2", { i: 1 }, { ttlMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await store().append("inbox:u2", { i: 2 }, { ttlMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // 400 ms after the first append, 200 ms after the last: still there.
    expect((await store().recent("inbox:u2", 50)).entries).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const after = await store().recent("inbox:u2", 50);
    expect(after.entries).toEqual([]);
    expect(after.epoch).not.toBe(first.epoch);
  });

  it("keeps streams apart", async () => {
    await store().append("a", { in: "a" });
    await store().append("b", { in: "b" });
    expect((await store().recent("a", 50)).entries.map((entry) => entry.message)).toEqual([{ in: "a" }]);
  });

  it("never answers more than the limit: a client further behind gets the latest page, not resumed", async () => {
    const first = await store().append("room", { i: 1 });
    for (let i = 2; i <= 1_200; i++) await store().append("room", { i });
    const page = await store().since("room", first, 50);
    expect(page.entries).toHaveLength(50);
    expect(page.resumed).toBe(false);
    expect(page.entries.map((entry) => (entry.message as { i: number }).i)).toEqual(Array.from({ length: 50 }, (_, k) => k + 1_151));
  });

  it("refuses a made-up position without failing", async () => {
    await store().append("room", { i: 1 });
    const { epoch } = await store().recent("room", 1);
    const page = await store().since("room", { epoch, offset: "not-an-offset" }, 50);
    expect(page.resumed).toBe(false);
    expect(page.entries).toHaveLength(1);
  });
}

/** Resuming after a position: exactly what follows, or the latest page when that cannot be. */
function resumingCases(fixture: CurrentFixture) {
  const store = () => fixture().store;
  it("resumes exactly after a position: nothing missed, nothing twice", async () => {
    await store().append("room", { i: 1 });
    const seen = await store().append("room", { i: 2 });
    await store().append("room", { i: 3 });
    await store().append("room", { i: 4 });
    const page = await store().since("room", seen, 50);
    expect(page.resumed).toBe(true);
    expect(page.entries.map((entry) => entry.message)).toEqual([{ i: 3 }, { i: 4 }]);
    expect(page.epoch).toBe(seen.epoch);
  });

  it("returns nothing new when the client is up to date", async () => {
    const last = await store().append("room", { i: 1 });
    expect(await store().since("room", last, 50)).toEqual({ epoch: last.epoch, entries: [], resumed: true });
  });

  it("refuses to resume from another epoch, and gives the latest entries instead", async () => {
    const old = await store().append("room", { i: 1 });
    await fixture().loseEverything();
    await store().append("room", { i: 2 });
    const page = await store().since("room", old, 50);
    expect(page.resumed).toBe(false);
    expect(page.epoch).not.toBe(old.epoch);
    expect(page.entries.map((entry) => entry.message)).toEqual([{ i: 2 }]);
  });

  it("resumes exactly when the client is a full page behind, and not one entry more", async () => {
    const positions = [];
    for (let i = 1; i <= 120; i++) positions.push(await store().append("room", { i }));
    const aPageBehind = await store().since("room", positions[69] as HistoryPosition, 50);
    expect(aPageBehind.resumed).toBe(true);
    expect(aPageBehind.entries.map((entry) => (entry.message as { i: number }).i)).toEqual(Array.from({ length: 50 }, (_, k) => k + 71));
    const oneMore = await store().since("room", positions[68] as HistoryPosition, 50);
    expect(oneMore.resumed).toBe(false);
    expect(oneMore.entries).toHaveLength(50);
  });
}

/** A message named with `appendOnce`: kept once however often it comes, at once or later. */
function onceCases(fixture: CurrentFixture) {
  const store = () => fixture().store;
  it("keeps a named message once: the same name 1,000 times, 100 of them at once, is one entry", async () => {
    const first = await store().appendOnce("room", { text: "hello" }, "u1:abcdef0123456789");
    expect(first).not.toBeNull();
    const atOnce = await Promise.all(
      Array.from({ length: 100 }, () => store().appendOnce("room", { text: "hello" }, "u1:abcdef0123456789")),
    );
    for (let i = 0; i < 900; i++) expect(await store().appendOnce("room", { text: "hello" }, "u1:abcdef0123456789")).toBeNull();
    expect(atOnce.every((position) => position === null)).toBe(true);
    const page = await store().recent("room", 50);
    expect(page.entries.map((entry) => entry.message)).toEqual([{ text: "hello" }]);
    expect(page.entries[0]?.offset).toBe(first?.offset);
  });

  it("of concurrent first calls with one name, exactly one keeps its message", async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => store().appendOnce("room", { i }, "u1:race")));
    expect(answers.filter((position) => position !== null)).toHaveLength(1);
    expect((await store().recent("room", 50)).entries).toHaveLength(1);
  });

  it("keeps names apart by stream and by name, and keeps a stream's bounds", async () => {
    expect(await store().appendOnce("a", { in: "a" }, "u1:same")).not.toBeNull();
    expect(await store().appendOnce("b", { in: "b" }, "u1:same")).not.toBeNull();
    expect(await store().appendOnce("a", { in: "a2" }, "u2:same")).not.toBeNull();
    for (let i = 1; i <= 8; i++) await store().appendOnce("inbox:u3", { i }, `u1:${i}`, { maxLength: 5 });
    expect((await store().recent("a", 50)).entries.map((entry) => entry.message)).toEqual([{ in: "a" }, { in: "a2" }]);
    expect((await store().recent("inbox:u3", 50)).entries.map((entry) => (entry.message as { i: number }).i)).toEqual([4, 5, 6, 7, 8]);
  });

  it("resumes across named and plain messages alike", async () => {
    const seen = await store().append("room", { i: 1 });
    await store().appendOnce("room", { i: 2 }, "u1:two");
    await store().append("room", { i: 3 });
    const page = await store().since("room", seen, 50);
    expect(page.resumed).toBe(true);
    expect(page.entries.map((entry) => entry.message)).toEqual([{ i: 2 }, { i: 3 }]);
  });

  it(`refuses an empty name and one over ${MAX_ONCE_LENGTH} characters, keeping nothing`, async () => {
    await expect(store().appendOnce("room", { i: 1 }, "")).rejects.toThrow(/once name/);
    await expect(store().appendOnce("room", { i: 1 }, "x".repeat(MAX_ONCE_LENGTH + 1))).rejects.toThrow(/once name/);
    expect((await store().recent("room", 50)).entries).toEqual([]);
  });
}
