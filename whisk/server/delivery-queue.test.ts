import { describe, expect, it } from "vitest";
import type { Envelope } from "../core/envelope";
import { DeliveryQueue } from "./delivery-queue";

const envelope = (id: string) => ({ id }) as unknown as Envelope;
const busyFor = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
};

describe("DeliveryQueue", () => {
  it("delivers in arrival order, one at a time, even when a delivery awaits", async () => {
    const log: string[] = [];
    let running = 0;
    const queue = new DeliveryQueue<Envelope>(async ({ id }) => {
      running += 1;
      expect(running).toBe(1);
      log.push(`start ${id}`);
      await new Promise((resolve) => setTimeout(resolve, id === "a" ? 20 : 0));
      log.push(`end ${id}`);
      running -= 1;
    });
    for (const id of ["a", "b", "c"]) queue.push(envelope(id));
    await expect.poll(() => log.length).toBe(6);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("hands the event loop back between turns, so a burst does not starve other work", async () => {
    const queue = new DeliveryQueue<Envelope>(async () => busyFor(4), 10);
    const gaps: number[] = [];
    let last = performance.now();
    const ticker = setInterval(() => {
      gaps.push(performance.now() - last);
      last = performance.now();
    }, 1);
    for (let i = 0; i < 50; i++) queue.push(envelope(String(i))); // 200 ms of work in all
    await expect.poll(() => queue.size, { timeout: 5_000 }).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    clearInterval(ticker);
    // The timer ran many times during the burst, and never waited much longer than one turn.
    expect(gaps.length).toBeGreaterThan(10);
    expect(Math.max(...gaps)).toBeLessThan(60);
  });
});
