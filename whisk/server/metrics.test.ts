import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { createWhiskMetrics, LOOP_DELAY_RESOLUTION_MS } from "./metrics";

/** A metric's value as `GET /metrics` serves it. */
async function servedValue(metrics: ReturnType<typeof createWhiskMetrics>, name: string): Promise<number> {
  const line = (await metrics.registry.metrics()).split("\n").find((each) => each.startsWith(`${name}{`));
  if (!line) throw new Error(`${name} is not served`);
  return Number(line.split(" ").at(-1));
}

describe("WhiskMetrics", () => {
  it("still sees a stall of the event loop with its coarser sampling", async () => {
    const metrics = createWhiskMetrics({ nodeId: "test-node" });
    // A few samples first, so the histogram has a baseline.
    await sleep(LOOP_DELAY_RESOLUTION_MS * 3);
    const stalledUntil = Date.now() + 300;
    while (Date.now() < stalledUntil) {
      // The loop is blocked: no timer can fire.
    }
    await sleep(LOOP_DELAY_RESOLUTION_MS * 2);
    // A 300 ms stall delays the sampling timer by at least 300 ms less one interval.
    expect(await servedValue(metrics, "nodejs_eventloop_lag_max_seconds")).toBeGreaterThanOrEqual((300 - LOOP_DELAY_RESOLUTION_MS) / 1000);
  });

  it("labels every metric with the node, so several nodes' series stay apart", async () => {
    const metrics = createWhiskMetrics({ nodeId: "ws-9" });
    metrics.busEnvelopes.inc({ outcome: "delivered" });
    expect(await metrics.registry.metrics()).toContain('whisk_bus_envelopes_total{outcome="delivered",node="ws-9"} 1');
  });
});
