/**
 * The benchmark, seconds long, so it cannot rot: every figure comes out, for both servers.
 * No target is asserted here; `npm run bench` measures.
 */
import { describe, expect, it } from "vitest";
import { renderTable, runBenchmarks } from "../../bench/run";

describe("npm run bench, smoke size", () => {
  it("measures handshakes, round trips, memory and fan-out for bare socket.io and for Whisk", async () => {
    const results = (await runBenchmarks({ smoke: true })) as Record<string, Record<string, Record<string, unknown>>>;
    for (const target of ["bare", "whisk"]) {
      const figures = results[target];
      expect(figures?.handshakes?.perSecond, target).toBeGreaterThan(0);
      expect(figures?.roundTrip?.answered, target).toBeGreaterThan(0);
      expect(figures?.roundTrip?.errors, target).toBe(0);
      expect(figures?.fanout?.["50"], target).toMatchObject({ received: 150 });
      expect(Object.keys(figures?.memory ?? {}), target).toEqual(["50"]);
    }
    const table = renderTable(results);
    console.log(table);
    expect(table).toMatch(/handshakes per second/);
  }, 120_000);
});
