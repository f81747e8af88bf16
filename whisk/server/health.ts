import type { IncomingMessage, ServerResponse } from "node:http";

export interface HealthChecks {
  nodeId: string;
  role: string;
  /** Each check answers true when healthy, e.g. `{ redis: () => backend.isHealthy() }`. */
  readiness: Record<string, () => Promise<boolean> | boolean>;
  /** A prom-client registry (`whisk.metrics.registry`) served as `/metrics`; keep it off the public proxy. */
  metrics?: { readonly contentType: string; metrics(): Promise<string> };
}

/**
 * `/healthz`: the process is alive (200 while it can answer at all).
 * `/readyz`: it should get traffic (200 only when every readiness check passes, else 503).
 * `/metrics`: Prometheus text format, when `checks.metrics` is given.
 * Returns false for any other URL, so the caller can pass the request on.
 */
export function handleHealth(req: IncomingMessage, res: ServerResponse, checks: HealthChecks): boolean {
  const path = req.url?.split("?")[0];
  if (path === "/healthz") {
    send(res, 200, { status: "ok", node: checks.nodeId, role: checks.role });
    return true;
  }
  if (path === "/readyz") {
    void readiness(checks).then((results) => {
      const ready = Object.values(results).every(Boolean);
      send(res, ready ? 200 : 503, { status: ready ? "ready" : "not-ready", node: checks.nodeId, role: checks.role, checks: results });
    });
    return true;
  }
  if (path === "/metrics" && checks.metrics) {
    const { metrics } = checks;
    void metrics.metrics().then(
      (text) => res.writeHead(200, { "content-type": metrics.contentType, "cache-control": "no-store" }).end(text),
      () => send(res, 500, { status: "error" }),
    );
    return true;
  }
  return false;
}

async function readiness(checks: HealthChecks): Promise<Record<string, boolean>> {
  const entries = await Promise.all(
    Object.entries(checks.readiness).map(async ([name, check]) => [name, await Promise.resolve(check()).catch(() => false)] as const),
  );
  return Object.fromEntries(entries);
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
}
