/**
 * The benchmark, seconds long, so it cannot rot: every figure comes out, for both servers.
 * No target is asserted here; `npm run bench` measures.
 */
import { describe, expect, it } from "vitest";
import { renderConnecting, renderCrossNode, renderLimit } from "@/bench/report";
import { renderTable, runBenchmarks } from "@/bench/run";

describe("npm run bench, smoke size", () => {
  it("measures every figure for bare socket.io and for Whisk", async () => {
    // biome-ignore lint/suspicious/noExplicitAny: raw JSON figures, checked field by field below
    const results = (await runBenchmarks({ smoke: true })) as Record<string, any>;
    for (const target of ["bare", "whisk"]) {
      const figures = results[target];
      expect(figures.handshakes.perSecond, target).toBeGreaterThan(0);
      expect(figures.pageLoad).toMatchObject({ loads: 10 });
      expect(figures.pageLoad.p50, target).toBeGreaterThan(0);
      expect(figures.highestRate.steps.length, target).toBeGreaterThan(0);
      // The jobs that swing: one round at this size (three in a full run).
      expect(figures.runs, target).toHaveLength(1);
      const [round] = figures.runs;
      expect(round.roundTrip.answered, target).toBeGreaterThan(0);
      expect(round.roundTrip.errors, target).toBe(0);
      expect(round.pingRoundTrip.answered, target).toBe(round.pingRoundTrip.sent);
      expect(Object.keys(round.memory), target).toEqual(["50", "broadcast"]);
      // One broadcast to all 50 held sockets, on the embedded server and on the gateway alone.
      expect(round.memory.broadcast, target).toMatchObject({ expected: 50, received: 50 });
      expect(round.gatewayMemory.broadcast, target).toMatchObject({ expected: 50, received: 50 });
      expect(round.gatewayMemory["50"].heapBytesPerSocket, target).toBeGreaterThan(0);
      // Two room steps (25, then 50 listeners), 3 broadcasts each, every one delivered.
      expect(round.room.steps, target).toMatchObject([
        { size: 25, listeners: 25, received: 75 },
        { size: 50, listeners: 50, received: 150 },
      ]);
      expect(round.room.burst, target).toMatchObject({ speakers: 10, received: 250 });
      expect(round.room.burst.longestStallMs, target).toBeGreaterThan(0);
      // The storm: every socket of the killed gateway is back on the other.
      expect(figures.storm, target).toMatchObject({ sockets: 50 });
      expect(figures.storm.ms, target).toBeGreaterThan(0);
      for (const job of ["crossNode", "crossNodeRoom", "crossNodeOnRedisCluster"]) {
        expect(figures[job], `${target} ${job}`).toMatchObject({ refused: 0 });
        expect(figures[job].received, `${target} ${job}`).toBe(figures[job].sent);
        expect(figures[job].serverCpuMs, `${target} ${job}`).toBeGreaterThan(0);
      }
    }
    expect(results.bare.crossNodeSharded.received).toBe(results.bare.crossNodeSharded.sent);
    // Whisk's sockets came back on their resume tokens: the token route was not asked.
    expect(results.whisk.storm.tokenRequests).toBe(0);
    expect(results.whisk.pageLoad.viaTokenRouteP50).toBeGreaterThan(0);
    // The raw ws limit: the fan-out steps, every message delivered.
    expect(results.raw.room.steps).toMatchObject([
      { size: 25, received: 75 },
      { size: 50, received: 150 },
    ]);
    // Whisk's gateways count what they receive: the receiver's gateway got every whisper.
    expect(results.whisk.crossNode.envelopesPerGateway["ws-2"]).toBeGreaterThanOrEqual(results.whisk.crossNode.sent);
    const table = renderTable(results);
    console.log(table);
    expect(table).toMatch(/handshakes per second/);
    expect(table).toMatch(/world\.ping at 50\/s/);
    console.log(renderCrossNode(results));
    const limit = renderLimit(results);
    console.log(limit);
    expect(limit).not.toMatch(/n\/a/);
    const connecting = renderConnecting(results);
    console.log(connecting);
    expect(connecting).toMatch(/ms until all are back/);
  }, 240_000);
});
