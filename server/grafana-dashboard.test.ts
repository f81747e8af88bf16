/**
 * deploy/grafana-dashboard.json asks Prometheus only for metrics the server serves: a renamed or
 * dropped metric fails here, not on someone's empty panel after a deploy.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createWhiskMetrics } from "whisk/host";

type Dashboard = { panels: { title: string; targets: { expr: string }[] }[] };

const dashboard = JSON.parse(readFileSync(join(import.meta.dirname, "..", "deploy", "grafana-dashboard.json"), "utf8")) as Dashboard;

/** The metric names a PromQL expression reads: Whisk's, Node's and the process's. */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b(?:whisk|nodejs|process)_[a-z_]+/g)].map(([name]) => name);
}

/** A histogram is served as `<name>_bucket`, `_count` and `_sum`; its TYPE line names `<name>`. */
const baseName = (name: string) => name.replace(/_(bucket|count|sum)$/, "");

describe("the Grafana dashboard", () => {
  it("reads only metrics the server serves, in every panel", async () => {
    const metrics = createWhiskMetrics({ nodeId: "dashboard-test", busChannels: () => 0 });
    const served = new Set(
      (await metrics.registry.metrics())
        .split("\n")
        .filter((line) => line.startsWith("# TYPE "))
        .map((line) => line.split(" ")[2]),
    );
    const asked = dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => metricsIn(target.expr)));
    expect(asked.length).toBeGreaterThan(20);
    expect(asked.filter((name) => !served.has(baseName(name)) && !served.has(name))).toEqual([]);
  });

  it("charts route latency by code, errors, handshake refusals, queue depth and lag, and the bus both ways", () => {
    const exprs = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)).join("\n");
    for (const metric of [
      "whisk_route_duration_seconds_bucket",
      "whisk_route_duration_seconds_count",
      "whisk_errors_total",
      "whisk_handshake_refusals_total",
      "whisk_queue_depth",
      "whisk_queue_lag_seconds_bucket",
      "whisk_bus_sent_total",
      "whisk_bus_envelopes_total",
    ]) {
      expect(exprs).toContain(metric);
    }
  });
});
