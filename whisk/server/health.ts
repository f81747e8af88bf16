import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface HealthChecks {
  nodeId: string;
  role: string;
  /** Each check answers true when healthy, e.g. `{ redis: () => backend.isHealthy() }`. */
  readiness: Record<string, () => Promise<boolean> | boolean>;
  /**
   * A prom-client registry (`whisk.metrics.registry`) served as `/metrics`. Leave it out on a
   * public port (without a token): it tells anyone the Node version, memory and socket counts.
   */
  metrics?: { readonly contentType: string; metrics(): Promise<string> };
  /** When set, `/metrics` answers only `Authorization: Bearer <metricsToken>` (401 otherwise). */
  metricsToken?: string;
  /**
   * Node, role and each readiness check in the answers: for a private port. Without it the
   * answers hold only the status, which is all a load balancer needs and all an outsider learns.
   */
  details?: boolean;
}

/**
 * `/healthz`: the process is alive (200 while it can answer at all).
 * `/readyz`: it should get traffic (200 only when every readiness check passes, else 503).
 * `/metrics`: Prometheus text format, when `checks.metrics` is given.
 * Returns false for any other URL, so the caller can pass the request on.
 *
 * @example
 * // The public port: status only, /metrics for holders of the token (or not at all without one).
 * handleHealth(req, res, { nodeId, role, readiness, metrics: token ? registry : undefined, metricsToken: token });
 */
export function handleHealth(req: IncomingMessage, res: ServerResponse, checks: HealthChecks): boolean {
  const path = req.url?.split("?")[0];
  const about = checks.details ? { node: checks.nodeId, role: checks.role } : {};
  if (path === "/healthz") {
    send(res, 200, { status: "ok", ...about });
    return true;
  }
  if (path === "/readyz") {
    void readiness(checks).then((results) => {
      const ready = Object.values(results).every(Boolean);
      send(res, ready ? 200 : 503, { status: ready ? "ready" : "not-ready", ...about, ...(checks.details ? { checks: results } : {}) });
    });
    return true;
  }
  if (path === "/metrics" && checks.metrics) {
    if (checks.metricsToken !== undefined && !hasBearerToken(req, checks.metricsToken)) {
      res.setHeader("www-authenticate", 'Bearer realm="metrics"');
      send(res, 401, { status: "unauthorized" });
      return true;
    }
    const { metrics } = checks;
    void metrics.metrics().then(
      (text) => res.writeHead(200, { "content-type": metrics.contentType, "cache-control": "no-store" }).end(text),
      () => send(res, 500, { status: "error" }),
    );
    return true;
  }
  return false;
}

/** Compares digests, so the time taken says nothing about how much of the token matched. */
function hasBearerToken(req: IncomingMessage, token: string): boolean {
  const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
  if (given === undefined) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(token));
}

async function readiness(checks: HealthChecks): Promise<Record<string, boolean>> {
  const entries = await Promise.all(
    Object.entries(checks.readiness).map(async ([name, check]) => [name, await Promise.resolve(check()).catch(() => false)] as const),
  );
  return Object.fromEntries(entries);
}

function send(res: ServerResponse, status: number, body: unknown) {
  res
    .writeHead(status, { "content-type": "application/json", "cache-control": "no-store", "x-content-type-options": "nosniff" })
    .end(JSON.stringify(body));
}
