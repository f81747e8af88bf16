import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type HealthChecks, handleHealth } from "./health";

const TOKEN = "t".repeat(32);
const registry = { contentType: "text/plain; version=0.0.4", metrics: async () => "whisk_connected_sockets 1\n" };
const base: HealthChecks = { nodeId: "ws-7", role: "ws", readiness: { backend: () => true } };

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** A server answering health requests with these checks, and 404 for the rest (what main.ts's fallback does). */
async function serve(checks: HealthChecks): Promise<string> {
  const server = createServer((req, res) => {
    if (!handleHealth(req, res, checks)) res.writeHead(404).end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("handleHealth", () => {
  it("answers /healthz and /readyz with the status alone, saying nothing about the node", async () => {
    const url = await serve(base);
    const healthz = await fetch(`${url}/healthz`);
    expect(healthz.status).toBe(200);
    expect(healthz.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await healthz.json()).toEqual({ status: "ok" });
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: "ready" });
  });

  it("names the node, its role and each check when asked for details (a private port)", async () => {
    const url = await serve({ ...base, readiness: { backend: () => false }, details: true });
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok", node: "ws-7", role: "ws" });
    const readyz = await fetch(`${url}/readyz`);
    expect(readyz.status).toBe(503);
    expect(await readyz.json()).toEqual({ status: "not-ready", node: "ws-7", role: "ws", checks: { backend: false } });
  });

  it("does not claim /metrics when given no registry, so the caller answers it (404)", async () => {
    const url = await serve(base);
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
  });

  it("serves /metrics to anyone when given a registry and no token", async () => {
    const url = await serve({ ...base, metrics: registry });
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("whisk_connected_sockets 1");
  });

  it("serves /metrics with a token only to requests bearing it, and 401 without it or with another", async () => {
    const url = await serve({ ...base, metrics: registry, metricsToken: TOKEN });
    const bare = await fetch(`${url}/metrics`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await bare.text()).not.toContain("whisk_");
    const wrong = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${"x".repeat(32)}` } });
    expect(wrong.status).toBe(401);
    const prefix = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN.slice(0, 31)}` } });
    expect(prefix.status).toBe(401);
    const right = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain("whisk_connected_sockets 1");
  });
});
