/**
 * The benchmark, seconds long, so it cannot rot: every figure comes out, for both servers.
 * No target is asserted here; `npm run bench` measures.
 */
import { describe, expect, it } from "vitest";
import { renderCrossNode } from "@/bench/report";
import { renderTable, runBenchmarks } from "@/bench/run";

describe("npm run bench, smoke size", () => {
  it("measures every figure for bare socket.io and for Whisk", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: raw JSON figures, checked field by field below
    const results = (await runBenchmarks({ smoke: true })) as Record<string, any>;
    for (const target of ["bare", "whisk"]) {
      const figures = results[target];
      expect(figures.handshakes.perSecond, target).toBeGreaterThan(0);
      expect(figures.roundTrip.answered, target).toBeGreaterThan(0);
      expect(figures.roundTrip.errors, target).toBe(0);
      expect(figures.pingRoundTrip.answered, target).toBe(figures.pingRoundTrip.sent);
      expect(figures.highestRate.steps.length, target).toBeGreaterThan(0);
      expect(Object.keys(figures.memory), target).toEqual(["50"]);
      // Two room steps (25, then 50 listeners), 3 broadcasts each, every one delivered.
      expect(figures.room.steps, target).toMatchObject([
        { size: 25, listeners: 25, received: 75 },
        { size: 50, listeners: 50, received: 150 },
      ]);
      expect(figures.room.burst, target).toMatchObject({ speakers: 10, received: 250 });
      expect(figures.room.burst.longestStallMs, target).toBeGreaterThan(0);
      for (const job of ["crossNode", "crossNodeRoom", "crossNodeOnRedisCluster"]) {
        expect(figures[job], `${target} ${job}`).toMatchObject({ refused: 0 });
        expect(figures[job].received, `${target} ${job}`).toBe(figures[job].sent);
        expect(figures[job].serverCpuMs, `${target} ${job}`).toBeGreaterThan(0);
      }
    }
    expect(results.bare.crossNodeSharded.received).toBe(results.bare.crossNodeSharded.sent);
    // Whisk's gateways count what they receive: the receiver's gateway got every whisper.
    expect(results.whisk.crossNode.envelopesPerGateway["ws-2"]).toBeGreaterThanOrEqual(results.whisk.crossNode.sent);
    const table = renderTable(results);
    console.log(table);
    expect(table).toMatch(/handshakes per second/);
    expect(table).toMatch(/world\.ping at 50\/s/);
    console.log(renderCrossNode(results));
  }, 240_000);
});
