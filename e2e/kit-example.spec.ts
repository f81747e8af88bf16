/** The README's "Testing your app with many users" example, run as written so it cannot rot. */
import { expect, clusterTest as test } from "whisk/testing/playwright";

test("a private message stays private", async ({ users, cluster }) => {
  const [alice, bob, carol] = await users(3); // signed in through the web node, spread over the gateways
  expect(new Set([await alice.node(), await bob.node(), await carol.node()]).size).toBeGreaterThan(1);

  await alice.say("@Bob: the cake is in the fridge");
  await bob.expectMessage("the cake is in the fridge");

  await bob.say("thanks!"); // once Carol sees this, she would have seen the whisper too
  await carol.expectMessage("thanks!");
  await carol.expectNoMessage("cake");

  await cluster.restart(await bob.node()); // a gateway restarts mid-conversation
  await expect(bob.page.getByRole("status")).toHaveText(/^Connected to /, { timeout: 20_000 });
});
