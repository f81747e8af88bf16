/**
 * Attacks on the way in: handshakes and token requests, against the real server process.
 * The per-address limits are the defaults (20 handshakes and 10 POSTs a second per address,
 * bursts of 100 and 50); the server trusts 127.0.0.1 as its proxy, so X-Forwarded-For tells
 * test "clients" apart.
 */
import { connect as connectTcp } from "node:net";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRefusal } from "whisk/client";
import { type ServerProcess, startServerProcess } from "whisk/testing";
import { connect, metricValue, request, requestToken } from "./clients";
import { openRaw } from "./raw-socket";

const METRICS_TOKEN = "attack-handshakes-metrics-token-0123456789";
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({
    env: { WHISK_NODE_ID: "attack-handshakes", WHISK_METRICS_TOKEN: METRICS_TOKEN, WHISK_TRUSTED_PROXIES: "127.0.0.1" },
  });
});
afterAll(async () => {
  // Without a build the server never started: the first error (run `npm run build` first) is the one to read.
  if (server) expect(await server.stop()).toBe(0);
});

const refusalLines = () =>
  server
    .output()
    .split("\n")
    .filter((line) => line.includes('"handshake refused"')).length;

/** Starts an engine.io handshake by polling, as `address` behind the trusted proxy; true if let in. */
async function engineHandshake(address: string): Promise<boolean> {
  const response = await fetch(`${server.url}/whisk/?EIO=4&transport=polling`, {
    headers: { origin: server.url, "x-forwarded-for": address },
  });
  await response.text();
  return response.ok;
}

describe("handshake limits", () => {
  it("closes an engine.io connection that sends CONNECT packets over and over, within a handful", async () => {
    const refusalsBefore = await metricValue(server.url, METRICS_TOKEN, "whisk_handshake_refusals_total");
    const linesBefore = refusalLines();
    // No Origin header, as a script would; made-up tokens.
    const raw = await openRaw(server.url);
    const started = Date.now();
    let sent = 0;
    for (; sent < 5_000 && raw.ws.readyState === raw.ws.OPEN; sent++) raw.ws.send(`40${JSON.stringify({ token: `guess-${sent}` })}`);
    const closedAfter = await Promise.race([raw.closed, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 5_000))]);
    const refusals = raw.received.filter((frame) => frame.startsWith("44")).length;
    const counted = (await metricValue(server.url, METRICS_TOKEN, "whisk_handshake_refusals_total")) - refusalsBefore;
    const lines = refusalLines() - linesBefore;
    console.log(
      `CONNECT flood: ${sent} CONNECT packets sent on one connection -> ${refusals} refusals came back, closed ${Date.now() - started} ms after the first; ${counted} refusals counted, ${lines} log lines`,
    );
    expect(closedAfter).toBeGreaterThan(0);
    expect(refusals).toBeLessThanOrEqual(4);
    expect(counted).toBeLessThanOrEqual(4);
    expect(lines).toBeLessThanOrEqual(5);
  });

  it("limits token requests per address: a burst of 50, then 429 RATE_LIMITED; another address is unaffected", async () => {
    const started = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: 120 }, () =>
        fetch(`${server.url}/api/ws-token`, { method: "POST", headers: { origin: server.url, "x-forwarded-for": "198.51.100.7" } }).then(
          async (response) => {
            await response.text();
            return response.status;
          },
        ),
      ),
    );
    const allowed = statuses.filter((status) => status === 200).length;
    const limited = statuses.filter((status) => status === 429).length;
    const other = await fetch(`${server.url}/api/ws-token`, {
      method: "POST",
      headers: { origin: server.url, "x-forwarded-for": "198.51.100.8" },
    });
    console.log(
      `token requests: 120 cookieless at once from one address -> ${allowed} answered, ${limited} refused 429; another address: ${other.status}`,
    );
    expect(allowed).toBeGreaterThanOrEqual(50);
    // The burst, and what 10 a second refilled while the requests were being answered.
    expect(allowed).toBeLessThanOrEqual(50 + Math.ceil((10 * (performance.now() - started)) / 1000) + 1);
    expect(allowed + limited).toBe(120);
    expect(other.status).toBe(200);
    expect(await metricValue(server.url, METRICS_TOKEN, "whisk_request_refusals_total")).toBeGreaterThanOrEqual(limited);
  });

  it("limits new connections per address: a burst of 100, then RATE_LIMITED; another address still connects", async () => {
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 150 }, () => engineHandshake("203.0.113.5")));
    const allowed = results.filter(Boolean).length;
    const otherAddress = await engineHandshake("203.0.113.6");
    console.log(
      `handshakes: 150 at once from one address -> ${allowed} let in, ${150 - allowed} refused; another address let in: ${otherAddress}`,
    );
    expect(allowed).toBeGreaterThanOrEqual(100);
    // The burst, and what 20 a second refilled while the handshakes were being answered.
    expect(allowed).toBeLessThanOrEqual(100 + Math.ceil((20 * (performance.now() - started)) / 1000) + 1);
    expect(otherAddress).toBe(true);
    // The real client, from this test's own address, is still served.
    const { socket } = await connect(server.url, { token: (await requestToken(server.url)).token });
    expect(await request(socket, "world.ping", {})).toMatchObject({ status: "ok" });
    socket.close();
  });

  it("closes an address's TCP connections past 256 at once, counted in /metrics; another address still connects", async () => {
    const before = await metricValue(server.url, METRICS_TOKEN, "whisk_connection_refusals_total", { reason: "per_address" });
    // Linux routes all of 127/8 to loopback: 127.0.0.9 is another client address on this machine.
    const attempts = Array.from({ length: 300 }, () => {
      const socket = connectTcp({ host: "127.0.0.1", port: server.port, localAddress: "127.0.0.9" });
      socket.on("error", () => {});
      const closed = new Promise<boolean>((resolve) => socket.once("close", () => resolve(true)));
      return { socket, closed: Promise.race([closed, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1_000))]) };
    });
    const closedAtOnce = (await Promise.all(attempts.map((attempt) => attempt.closed))).filter(Boolean).length;
    const other = await engineHandshake("203.0.113.99");
    const counted = (await metricValue(server.url, METRICS_TOKEN, "whisk_connection_refusals_total", { reason: "per_address" })) - before;
    for (const { socket } of attempts) socket.destroy();
    console.log(
      `connections: 300 TCP connections from one address -> ${300 - closedAtOnce} held, ${closedAtOnce} closed at once (${counted} counted); another address served: ${other}`,
    );
    expect(closedAtOnce).toBe(44);
    expect(counted).toBe(44);
    expect(other).toBe(true);
  });

  it("tells the real client it is rate-limited (a pause fixes it), not that its origin is foreign", async () => {
    // A server allowing one new connection per address every 5 s, so the refusal is certain.
    const strict = await startServerProcess({ env: { WHISK_NODE_ID: "attack-strict", WHISK_HANDSHAKES_PER_ADDRESS: "0.2" } });
    try {
      expect(await fetch(`${strict.url}/whisk/?EIO=4&transport=polling`, { headers: { origin: strict.url } }).then((r) => r.ok)).toBe(true);
      // Read in the handler, as the client does: engine.io aborts the request right after, which
      // empties its response.
      const refusal = await new Promise<ReturnType<typeof readRefusal>>((resolve) => {
        const socket = io(strict.url, {
          path: "/whisk",
          transports: ["polling"],
          extraHeaders: { origin: strict.url },
          reconnection: false,
        });
        socket.once("connect_error", (error) => {
          resolve(readRefusal(error));
          socket.close();
        });
      });
      console.log(`rate-limited handshake read by the client as: ${refusal?.code}`);
      expect(refusal?.code).toBe("RATE_LIMITED");
    } finally {
      await strict.stop();
    }
  });
});
