import { expect, test } from "@playwright/test";
import { type Cluster, startCluster, TEST_REDIS_URL } from "whisk/testing";

let cluster: Cluster;

test.beforeAll(async () => {
  cluster = await startCluster({ redisUrl: TEST_REDIS_URL });
});
test.afterAll(async () => {
  await cluster?.stop();
});

test("two users on two different gateways of the cluster talk to each other", async ({ browser }) => {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  await alice.goto(`${cluster.url}/hello`);
  await expect(alice.getByRole("status")).toHaveText(/^Connected to ws-\d$/);
  await bob.goto(`${cluster.url}/hello`);
  await expect(bob.getByRole("status")).toHaveText(/^Connected to ws-\d$/);
  const aliceNode = await alice.getByRole("status").textContent();
  const bobNode = await bob.getByRole("status").textContent();
  // The web node hands out live gateways round-robin, so consecutive pages land on different nodes.
  expect(aliceNode).not.toBe(bobNode);

  await alice.getByRole("textbox", { name: "Message" }).fill("Hello across the cluster");
  await alice.getByRole("button", { name: "Send" }).click();
  await expect(bob.getByRole("log")).toContainText('said "Hello across the cluster"');

  await bob.getByRole("textbox", { name: "Message" }).fill("Loud and clear");
  await bob.keyboard.press("Enter");
  await expect(alice.getByRole("log")).toContainText('said "Loud and clear"');
});
