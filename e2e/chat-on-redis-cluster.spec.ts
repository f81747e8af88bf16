/**
 * The chat across the scaled-out system (1 web, 3 gateways, 1 worker) over a real Redis Cluster
 * of 3 masters started for this file: sessions, tokens, presence, history, the worker queue and
 * the bus (sharded pub/sub) all live on the cluster's shards.
 */
import { expect, clusterTest as test } from "whisk/testing/playwright";

test.use({ onRedisCluster: true });
test.describe.configure({ mode: "serial" });

test("users on different gateways share a room, whisper, see each other present and read its history", async ({ users, cluster }) => {
  for (const node of Object.values(cluster.nodes)) expect(node.output()).toContain('"backend":"redis-cluster"');
  const [alice, bob, carol] = await users(3);
  const nodes = new Set([await alice.node(), await bob.node(), await carol.node()]);
  expect(nodes.size).toBeGreaterThanOrEqual(2);

  const people = alice.page.getByRole("list", { name: "People in this room" });
  await expect(people).toContainText("Bob");
  await expect(people).toContainText("Carol");

  await alice.say("Hello over the Redis Cluster");
  await bob.expectMessage("Hello over the Redis Cluster");
  await carol.expectMessage("Hello over the Redis Cluster");

  await bob.say("@Carol: only for you");
  await carol.expectMessage("only for you");
  await bob.say("sentinel after the whisper");
  await alice.expectMessage("sentinel after the whisper");
  await alice.expectNoMessage("only for you");

  // History is on the cluster too: a new page of the room shows what was said before it came.
  const [dan] = await users(["Dan"]);
  await dan.expectMessage("Hello over the Redis Cluster");
});

test("a gateway crashed mid-conversation: its users come back and catch up on exactly what they missed", async ({ users, cluster }) => {
  const [erin, finn] = await users(["Erin", "Finn"]);
  await erin.say("before the crash");
  await finn.expectMessage("before the crash");
  const node = await finn.node();
  expect(await erin.node()).not.toBe(node);

  const restarting = cluster.restart(node, { crash: true });
  await expect(finn.page.getByRole("status")).toHaveText(/Reconnecting|Connecting/);
  await erin.say("while you were away");
  await restarting;
  await expect(finn.page.getByRole("status")).toHaveText(/^Connected to /, { timeout: 20_000 });
  await finn.expectMessage("while you were away");
  await finn.say("finn is back");
  await erin.expectMessage("finn is back");
  for (const text of ["before the crash", "while you were away"]) {
    await expect(finn.page.getByRole("log").getByText(text)).toHaveCount(1);
  }
});
