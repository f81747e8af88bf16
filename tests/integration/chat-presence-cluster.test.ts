/**
 * The chat's rooms on the scaled-out system (real processes over Redis): who is in a room, as a
 * page shows it, when a gateway dies. Kept apart from cluster.test.ts, which needs no chat demo.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { applyPresenceUpdate, type PresentUsers } from "whisk/client";
import type { PresenceUpdate } from "whisk/core";
import { type Cluster, startCluster, TEST_REDIS_URL } from "whisk/testing";
import { at, type Connected, connect, request, requestMemberToken } from "./clients";

let cluster: Cluster;
const open: Connected[] = [];

beforeAll(async () => {
  cluster = await startCluster({ redisUrl: TEST_REDIS_URL, topology: { web: ["web-1"], ws: ["ws-1", "ws-2"], worker: ["worker-1"] } });
}, 120_000);
afterAll(async () => {
  for (const client of open) client.socket.close();
  await cluster?.stop();
});

async function userOn(i: number): Promise<Connected> {
  const grant = await requestMemberToken(cluster.url, `Member ${i}`);
  const connected = await connect(at(cluster.gateways, i).url, { token: grant.token, origin: cluster.url });
  open.push(connected);
  return connected;
}

describe("chat presence on a cluster of 2 gateways", () => {
  it("drops the people of a gateway that dies from presence within seconds, and nobody else", async () => {
    const alice = await userOn(0);
    const bob = await userOn(1);
    // What alice's page shows: snapshots and diffs applied as the client applies them.
    let present: PresentUsers = [];
    alice.socket.on("whisk.presence", (update: PresenceUpdate) => {
      if (update.room === "orbit") present = applyPresenceUpdate(present, update);
    });
    await request(alice.socket, "room.join", { room: "orbit" });
    await request(bob.socket, "room.join", { room: "orbit" });
    const ids = () => present.map((user) => user.userId).sort();
    await vi.waitFor(() => expect(ids()).toEqual([alice.welcome.user.id, bob.welcome.user.id].sort()));

    const killedAt = Date.now();
    at(cluster.gateways, 1).child.kill("SIGKILL");
    await vi.waitFor(() => expect(ids()).toEqual([alice.welcome.user.id]), { timeout: 20_000, interval: 50 });
    console.log(`presence: a dead gateway's users left the room after ${Date.now() - killedAt} ms`);
    expect(alice.socket.connected).toBe(true);
  });
});
