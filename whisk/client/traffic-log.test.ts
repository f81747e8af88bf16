import { describe, expect, it } from "vitest";
import { MAX_PREVIEW_CHARS, MAX_TRAFFIC_ENTRIES, TrafficLog } from "./traffic-log";

describe("TrafficLog", () => {
  it("records nothing while nobody watches, and forgets all when the last watcher leaves", () => {
    const log = new TrafficLog();
    expect(log.sent("room.send", { text: "hi" })).toBeUndefined();
    log.received("room.message", { text: "hi" });
    expect(log.snapshot()).toEqual([]);
    const stop = log.subscribe(() => {});
    log.received("room.message", { text: "hi" });
    expect(log.snapshot()).toHaveLength(1);
    stop();
    expect(log.snapshot()).toEqual([]);
  });

  it("pairs a route with its ack, keeping the first issues of a refusal", () => {
    const log = new TrafficLog();
    let changes = 0;
    log.subscribe(() => changes++);
    const id = log.sent("room.send", { room: "beach" });
    expect(log.snapshot()[0]?.result).toEqual({ status: "pending" });
    const issues = Array.from({ length: 50 }, (_, n) => ({ path: ["text"], message: `issue ${n}` }));
    log.answered(id as number, { status: "error", error: { code: "BAD_PAYLOAD", message: "no", issues } });
    expect(log.snapshot()[0]?.result).toMatchObject({ status: "error", error: { code: "BAD_PAYLOAD" } });
    const kept = log.snapshot()[0]?.result as { error: { issues: unknown[] } };
    expect(kept.error.issues).toHaveLength(10);
    expect(changes).toBe(2);
  });

  it("holds at most 100 entries of at most 1,000 characters each, whatever a page receives", () => {
    const log = new TrafficLog();
    log.subscribe(() => {});
    const megabyte = "x".repeat(1_000_000);
    // Long strings are cut before the JSON is written (it took seconds here when whole payloads were).
    for (let n = 0; n < 1_000; n++) log.received("room.message", { n, text: megabyte });
    const entries = log.snapshot();
    const held = entries.reduce((sum, entry) => sum + entry.preview.length + entry.event.length, 0);
    console.log(`traffic log: 1,000 messages of 1 MB received -> ${entries.length} entries, ${held} characters held`);
    expect(entries).toHaveLength(MAX_TRAFFIC_ENTRIES);
    expect(entries.at(-1)?.preview).toContain('"n":999');
    expect(entries.every((entry) => entry.preview.length <= MAX_PREVIEW_CHARS + 1)).toBe(true);
    expect(held).toBeLessThan(MAX_TRAFFIC_ENTRIES * (MAX_PREVIEW_CHARS + 50));
  });

  it("shows what JSON cannot say instead of throwing (a cycle, a BigInt)", () => {
    const log = new TrafficLog();
    log.subscribe(() => {});
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    log.received("odd", cycle);
    log.received("odd", 10n);
    expect(log.snapshot().map((entry) => entry.preview)).toEqual(["[object Object]", "10"]);
  });
});
