/**
 * The HTTP side of the real server process, tried as an outsider would: what /metrics and the
 * health endpoints tell, which headers pages carry, how long a slow request may hold a
 * connection, and what a failing start prints about a Redis password.
 */
import { spawn } from "node:child_process";
import { connect as connectTcp } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, SERVER_BUILD, type ServerProcess, startServerProcess } from "whisk/testing";

const METRICS_TOKEN = "http-hardening-metrics-token-0123456789";
let plain: ServerProcess;
let withToken: ServerProcess;

beforeAll(async () => {
  [plain, withToken] = await Promise.all([
    startServerProcess({ env: { WHISK_NODE_ID: "http-plain" } }),
    startServerProcess({ env: { WHISK_NODE_ID: "http-token", WHISK_METRICS_TOKEN: METRICS_TOKEN } }),
  ]);
});
afterAll(async () => {
  await Promise.all([plain?.stop(), withToken?.stop()]);
});

describe("the HTTP side", () => {
  it("keeps /metrics off the page port unless a bearer token is set, and health says only its status", async () => {
    const open = await fetch(`${plain.url}/metrics`);
    const text = await open.text();
    expect(open.status).toBe(404);
    expect(text).not.toContain("nodejs_version_info");
    expect(await (await fetch(`${plain.url}/healthz`)).json()).toEqual({ status: "ok" });
    expect(await (await fetch(`${plain.url}/readyz`)).json()).toEqual({ status: "ready" });
    const anonymous = await fetch(`${withToken.url}/metrics`);
    const wrong = await fetch(`${withToken.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN.slice(0, -1)}` } });
    const bearer = await fetch(`${withToken.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    console.log(
      `/metrics: no token set -> ${open.status}; token set: none ${anonymous.status}, wrong ${wrong.status}, right ${bearer.status}`,
    );
    expect([anonymous.status, wrong.status, bearer.status]).toEqual([401, 401, 200]);
    expect(await bearer.text()).toContain("whisk_connected_sockets");
  });

  it("sends every page a nonce-based CSP that forbids framing, and the other security headers", async () => {
    const [first, second] = await Promise.all([fetch(`${plain.url}/`), fetch(`${plain.url}/hello`)]);
    const policies = [first, second].map((response) => response.headers.get("content-security-policy") ?? "");
    const html = await first.text();
    const nonce = /'nonce-([^']+)'/.exec(policies[0] ?? "")?.[1];
    expect(nonce).toBeTruthy();
    expect(policies[1]).not.toContain(`'nonce-${nonce}'`);
    expect(policies[0]).toContain("frame-ancestors 'none'");
    expect(policies[0]).not.toContain("unsafe-eval");
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.every((tag) => tag.includes(`nonce="${nonce}"`))).toBe(true);
    for (const response of [first, second, await fetch(`${plain.url}/api/session`)]) {
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    }
    console.log(
      `security headers: CSP with a per-request nonce on ${scripts.length} script tags of /, frame-ancestors 'none', nosniff, referrer policy`,
    );
  });

  it("cuts a POST whose body never finishes within the request timeout (30 s), and serves everyone meanwhile", async () => {
    const socket = connectTcp(plain.port, "127.0.0.1");
    const started = Date.now();
    const closed = new Promise<number>((resolve) => socket.once("close", () => resolve(Date.now() - started)));
    // The server cuts it mid-write: the trickle's next write then fails, which is the point.
    socket.on("error", () => {});
    socket.write(
      `POST /api/session HTTP/1.1\r\nHost: 127.0.0.1:${plain.port}\r\nOrigin: ${plain.url}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"na`,
    );
    // A byte every second keeps it trickling, as a slow-body attack does.
    const trickle = setInterval(() => socket.writable && socket.write(" "), 1_000);
    expect((await fetch(`${plain.url}/healthz`)).status).toBe(200);
    const after = await closed;
    clearInterval(trickle);
    console.log(`slow-body POST: connection closed after ${(after / 1000).toFixed(1)} s`);
    expect(after).toBeGreaterThan(25_000);
    expect(after).toBeLessThan(36_000);
  }, 45_000);

  it("never prints a Redis password, given in the userinfo or in the query, when Redis cannot be reached", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [SERVER_BUILD], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        PORT: String(await freePort()),
        SESSION_SECRET: "test-only-secret-test-only-secret-0123456789",
        REDIS_URL: `redis://user:userinfo-secret@127.0.0.1:${port}/0?password=query-secret&db=0`,
        WHISK_NODE_ID: "masked",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    console.log(`unreachable Redis: exit ${code}, printed ${output.trim().split("\n").at(-1)}`);
    expect(code).toBe(1);
    expect(output).toContain("127.0.0.1");
    expect(output).not.toContain("userinfo-secret");
    expect(output).not.toContain("query-secret");
  });
});
