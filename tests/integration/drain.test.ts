/**
 * A deploy: SIGTERM to one of three gateways. It leaves the directory, tells its clients to move,
 * they reconnect to other gateways without ever showing an error, and it exits within 30 s. And a
 * crash: SIGKILL, and its clients are back on the others within seconds. Either way they move with
 * the resume token their gateway handed them, to a gateway it named, asking the web tier nothing.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type ConnectionState, WhiskConnection } from "whisk/client";
import type { ClientRoutes, ServerEvents } from "whisk/server";
import { type Cluster, startCluster, TEST_REDIS_URL } from "whisk/testing";
import type { WhiskApp } from "@/server/app";
import { exited } from "./processes";

let cluster: Cluster;
const connections: WhiskConnection<ClientRoutes<WhiskApp>, ServerEvents<WhiskApp>>[] = [];

beforeAll(async () => {
  // Resume tokens 300 ms after connecting (10 s by default), so the clients hold one at once.
  cluster = await startCluster({ redisUrl: TEST_REDIS_URL, env: { WHISK_RESUME_TOKEN_AFTER_MS: "300" } });
}, 120_000);
afterAll(async () => {
  for (const connection of connections) connection.close();
  await cluster?.stop();
});

function browserLike() {
  let cookie: string | undefined;
  const statuses: ConnectionState[] = [];
  const counts = { tokenRequests: 0, resumeTokens: 0 };
  const connection = new WhiskConnection<ClientRoutes<WhiskApp>, ServerEvents<WhiskApp>>({
    getToken: async () => {
      counts.tokenRequests += 1;
      const response = await fetch(`${cluster.url}/api/ws-token`, {
        method: "POST",
        headers: { origin: cluster.url, ...(cookie ? { cookie } : {}) },
      });
      cookie ??= response.headers.get("set-cookie")?.split(";")[0];
      return (await response.json()) as { token: string; expiresAt: number; url?: string };
    },
    socketOptions: { extraHeaders: { origin: cluster.url } },
  });
  connection.subscribe(() => statuses.push(connection.getState()));
  // Not an app event: the gateway's resume token, which the connection keeps for itself.
  connection.on("whisk.resume" as "world.said", () => {
    counts.resumeTokens += 1;
  });
  connections.push(connection);
  connection.open();
  return { connection, statuses, counts };
}

/** Every client connected and holding a resume token that names the other gateways. */
async function allConnectedWithResumeTokens(clients: ReturnType<typeof browserLike>[]) {
  await vi.waitFor(() => expect(clients.every((c) => nodeOf(c.connection.getState()) && c.counts.resumeTokens > 0)).toBe(true), {
    timeout: 15_000,
  });
}

const nodeOf = (state: ConnectionState) => (state.status === "connected" ? state.nodeId : null);

describe("graceful drain of a gateway", () => {
  it("moves its clients to other gateways with no error shown, and exits within 30 s", async () => {
    // Enough clients that the round-robin puts some on every gateway.
    const clients = Array.from({ length: 6 }, () => browserLike());
    await allConnectedWithResumeTokens(clients);
    const onDrained = clients.filter((c) => nodeOf(c.connection.getState()) === "ws-2");
    const others = clients.filter((c) => nodeOf(c.connection.getState()) !== "ws-2");
    expect(onDrained.length).toBeGreaterThan(0);
    const othersBefore = others.map((c) => c.statuses.length);

    const node = cluster.nodes["ws-2"];
    if (!node) throw new Error("no ws-2");
    const stoppedAt = Date.now();
    node.child.kill("SIGTERM");
    await vi.waitFor(() => expect(onDrained.every((c) => [null, "ws-2"].includes(nodeOf(c.connection.getState())) === false)).toBe(true), {
      timeout: 15_000,
      interval: 20,
    });
    const movedAfter = Date.now() - stoppedAt;
    const code = await exited(node.child);
    const exitedAfter = Date.now() - stoppedAt;
    console.log(
      `drain: ${onDrained.length} clients moved off ws-2 in ${movedAfter} ms; ws-2 exited with code ${code} after ${exitedAfter} ms`,
    );

    expect(code).toBe(0);
    expect(exitedAfter).toBeLessThan(30_000);
    for (const client of onDrained) expect(client.statuses.map((state) => state.status)).not.toContain("error");
    // Each moved with its resume token: the one token request each made was its first connect's.
    expect(onDrained.map((client) => client.counts.tokenRequests)).toEqual(onDrained.map(() => 1));
    // Nobody else noticed anything.
    expect(others.map((client) => client.statuses.length)).toEqual(othersBefore);
    // The moved clients work: their next message reaches everyone.
    const moved = onDrained[0]?.connection;
    const heard = new Promise((resolve) =>
      others[0]?.connection.on("world.said", (said) => said.message === "after the drain" && resolve(said)),
    );
    expect(await moved?.emit("world.say", { message: "after the drain" })).toMatchObject({ status: "ok" });
    await heard;
    await cluster.restart("ws-2");
  });

  it("brings every client of a killed gateway back on the others within 10 s, and disconnects nobody else", async () => {
    const clients = Array.from({ length: 6 }, () => browserLike());
    await allConnectedWithResumeTokens(clients);
    const victims = clients.filter((c) => nodeOf(c.connection.getState()) === "ws-3");
    const others = clients.filter((c) => nodeOf(c.connection.getState()) !== "ws-3");
    expect(victims.length).toBeGreaterThan(0);
    const othersBefore = others.map((c) => c.statuses.length);

    const killedAt = Date.now();
    cluster.nodes["ws-3"]?.child.kill("SIGKILL");
    await vi.waitFor(() => expect(victims.every((c) => [null, "ws-3"].includes(nodeOf(c.connection.getState())) === false)).toBe(true), {
      timeout: 10_000,
      interval: 20,
    });
    console.log(`failover: ${victims.length} clients of a killed gateway back on others after ${Date.now() - killedAt} ms`);
    expect(others.map((client) => client.statuses.length)).toEqual(othersBefore);
    // Back with their resume tokens, at gateways those named: no request to the web tier.
    expect(victims.map((client) => client.counts.tokenRequests)).toEqual(victims.map(() => 1));
    await cluster.restart("ws-3");
  });
});
