/**
 * The chat-room app across a real cluster (1 web, 3 gateways, 1 worker over Redis), with the
 * testing kit's users: each an isolated browser signed in as its own person.
 */
import type { WebSocketRoute } from "@playwright/test";
import { expect, clusterTest as test } from "whisk/testing/playwright";

test.describe.configure({ mode: "serial" });

test("three users land on different gateways and share a room; another room hears nothing", async ({ users }) => {
  const [alice, bob, carol] = await users(3);
  const nodes = new Set([await alice.node(), await bob.node(), await carol.node()]);
  expect(nodes.size).toBeGreaterThanOrEqual(2);

  await carol.page.getByRole("link", { name: "Enter Bubble Beach" }).click();
  await expect(carol.page.getByRole("heading", { name: "Bubble Beach" })).toBeVisible();
  // The page writes the notice from its data, the name in an element of its own.
  await carol.expectMessage("Carol entered the room");
  const notice = carol.page.getByRole("log").getByRole("listitem").filter({ hasText: "Carol entered the room" });
  await expect(notice.locator("bdi")).toHaveText("Carol");

  await alice.say("Hello, room");
  await bob.expectMessage("Hello, room");
  await alice.expectMessage("Hello, room");
  // Each message shows its author and its time; Enter sends.
  const line = bob.page.getByRole("log").getByRole("listitem").filter({ hasText: "Hello, room" });
  await expect(line).toContainText("Alice");
  await expect(line.locator("time")).toHaveText(/\d{1,2}:\d{2}/);
  await bob.page.getByRole("textbox", { name: "Message" }).fill("sent with Enter");
  await bob.page.keyboard.press("Enter");
  await alice.expectMessage("sent with Enter");
  // Carol's own message arriving proves her feed is live; Alice's never came.
  await carol.say("Anyone at the beach?");
  await carol.expectMessage("Anyone at the beach?");
  await carol.expectNoMessage("Hello, room");
  await alice.expectNoMessage("Anyone at the beach?");
});

test("a private message reaches only its addressee, marked private", async ({ users }) => {
  const [alice, bob, carol] = await users(["Ann", "Ben", "Cat"]);
  await alice.say("@Ben: the password is swordfish");
  await bob.expectMessage("the password is swordfish");
  await expect(bob.page.getByRole("log").getByText("(private)")).toBeVisible();
  await alice.expectMessage("the password is swordfish");
  await bob.say("public again");
  await carol.expectMessage("public again");
  await carol.expectNoMessage("swordfish");

  // Picking someone in the list works too.
  await carol.page.getByRole("button", { name: "Whisper to Ann" }).click();
  await carol.say("just between us");
  await alice.expectMessage("just between us");
  await alice.say("sentinel after whisper");
  await bob.expectMessage("sentinel after whisper");
  await bob.expectNoMessage("just between us");
});

test("presence shows who joins and who leaves, a closed tab included, counted per person", async ({ users }) => {
  const [dana] = await users(["Dana"]);
  const people = dana.page.getByRole("list", { name: "People in this room" });
  await expect(people).toContainText("Dana (you)");
  const [eli] = await users(["Eli"]);
  await expect(people).toContainText("Eli");

  // A second tab of Eli's is still one person.
  const secondTab = await eli.context.newPage();
  await secondTab.goto("/rooms/room");
  await expect(secondTab.getByRole("status")).toHaveText(/^Connected to /);
  await expect(dana.page.getByRole("heading", { name: /Here now \(2\)/ })).toBeVisible();

  await eli.leave();
  await expect(people).not.toContainText("Eli", { timeout: 10_000 });
  await expect(dana.page.getByRole("heading", { name: /Here now \(1\)/ })).toBeVisible();
});

test("typing and being away show to everyone in the room, across gateways, and clear", async ({ users }) => {
  const [oli, pat] = await users(["Oli", "Pat"]);
  const typing = pat.page.getByLabel("Who is typing");
  const box = oli.page.getByRole("textbox", { name: "Message" });
  await box.fill("half a thought");
  await expect(typing).toHaveText("Oli is typing…");
  await oli.page.keyboard.press("Enter");
  await pat.expectMessage("half a thought");
  await expect(typing).toHaveText("");
  // A draft emptied by hand clears it, and one left alone stops counting after TYPING_STALE_MS (5 s).
  await box.fill("second");
  await expect(typing).toHaveText("Oli is typing…");
  await box.fill("");
  await expect(typing).toHaveText("");
  await box.fill("left alone");
  await expect(typing).toHaveText("Oli is typing…");
  await expect(typing).toHaveText("", { timeout: 10_000 });

  // Pat's page hidden (another tab in front): Oli sees Pat away, then back.
  const showPage = (visible: boolean) =>
    pat.page.evaluate((shown) => {
      Object.defineProperty(document, "visibilityState", { value: shown ? "visible" : "hidden", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    }, visible);
  const patInOlisList = oli.page.getByRole("list", { name: "People in this room" }).getByRole("listitem").filter({ hasText: "Pat" });
  await expect(patInOlisList).not.toContainText("(away)");
  await showPage(false);
  await expect(patInOlisList).toContainText("(away)");
  await showPage(true);
  await expect(patInOlisList).not.toContainText("(away)");
});

test("a line shows at once for its sender; one the server refuses stays there, marked not sent, until discarded", async ({ users }) => {
  const [quin, rex] = await users(["Quin", "Rex"]);
  const box = quin.page.getByRole("textbox", { name: "Message" });
  // A control character is not text: the server refuses the line (BAD_PAYLOAD), after the page showed it.
  await box.fill("ring\u0007ring");
  await quin.page.keyboard.press("Enter");
  await expect(box).toHaveValue("");
  const refused = quin.page
    .getByRole("log")
    .getByRole("listitem")
    .filter({ hasText: /ring.ring/ });
  await expect(refused.getByRole("alert")).toHaveText("Not sent: Control characters are not text. Retry Discard");
  await refused.getByRole("button", { name: "Retry" }).click();
  await expect(refused.getByRole("alert")).toHaveText(/^Not sent: Control characters are not text\./);
  await refused.getByRole("button", { name: "Discard" }).click();
  await expect(refused).toHaveCount(0);

  await quin.say("a good line");
  await rex.expectMessage("a good line");
  // The sender's pending copy was replaced by the room's, not shown beside it.
  await expect(quin.page.getByRole("log").getByText("a good line")).toHaveCount(1);
  await expect(quin.page.getByRole("log").getByText("Sending…")).toHaveCount(0);
  await rex.expectNoMessage("ring");
});

test("entering a room shows its history", async ({ users }) => {
  const [fay] = await users(["Fay"]);
  await fay.page.getByRole("link", { name: "Enter Dog Park" }).click();
  await expect(fay.page.getByRole("heading", { name: "Dog Park" })).toBeVisible();
  for (const text of ["first at the park", "second at the park"]) await fay.say(text);
  await fay.expectMessage("second at the park");

  const [gil] = await users(["Gil"]);
  await gil.page.getByRole("link", { name: "Enter Dog Park" }).click();
  await gil.expectMessage("first at the park");
  await gil.expectMessage("second at the park");
  await expect(gil.page.getByRole("log").getByText("first at the park")).toHaveCount(1);
});

test("a name that looks like someone's in the room is kept out of it, and told why", async ({ users }) => {
  const [nia] = await users(["Nia"]);
  const [lookAlike] = await users(["NIA"]);
  await expect(lookAlike.page.getByRole("log").getByRole("alert")).toHaveText(/Someone in this room has a name that looks like yours/);
  await expect(lookAlike.page.getByRole("button", { name: "Send" })).toBeDisabled();
  await expect(nia.page.getByRole("list", { name: "People in this room" })).not.toContainText("NIA");
});

test("a message is shown as text, never run as HTML", async ({ users }) => {
  const [hal, ivy] = await users(["Hal", "Ivy"]);
  let dialog = false;
  ivy.page.on("dialog", async (opened) => {
    dialog = true;
    await opened.dismiss();
  });
  const attack = "<img src=x onerror=alert(1)>";
  await hal.say(attack);
  await ivy.expectMessage(attack);
  await expect(ivy.page.getByRole("log").locator("img")).toHaveCount(0);
  expect(dialog).toBe(false);
});

test("a gateway restarted mid-conversation: the banner shows, users come back, and catch up on exactly what they missed", async ({
  users,
  cluster,
}) => {
  const [jo, kim] = await users(["Jo", "Kim"]);
  await jo.say("before the restart");
  await kim.expectMessage("before the restart");

  const node = await kim.node();
  expect(await jo.node()).not.toBe(node);
  // A crash, not a deploy: a deploy drains and moves clients without a banner (see drain.test.ts).
  const restarting = cluster.restart(node, { crash: true });
  await expect(kim.page.getByRole("status")).toHaveText(/Reconnecting|Connecting/);
  await jo.say("while you were away");
  await restarting;
  await expect(kim.page.getByRole("status")).toHaveText(/^Connected to /, { timeout: 20_000 });

  await kim.expectMessage("while you were away");
  await jo.say("after the restart");
  await kim.expectMessage("after the restart");
  await kim.say("kim is back");
  await jo.expectMessage("kim is back");
  for (const text of ["before the restart", "while you were away", "after the restart"]) {
    await expect(kim.page.getByRole("log").getByText(text)).toHaveCount(1);
  }
});

test("a whisper and a notice lost on a failing network reach their page, once, after the page reconnects", async ({ users }) => {
  const [sam, tia] = await users(["Sam", "Tia"]);
  // Tia's WebSocket through a route this test controls: while `dropping`, what the server sends her is lost.
  let dropping = false;
  const sockets: { page: WebSocketRoute; server: WebSocketRoute }[] = [];
  await tia.context.routeWebSocket(/\/whisk\//, (page) => {
    const server = page.connectToServer();
    server.onMessage((message) => {
      if (!dropping) page.send(message);
    });
    sockets.push({ page, server });
  });
  await tia.page.reload();
  await expect(tia.page.getByRole("status")).toHaveText(/^Connected to /);
  await expect.poll(() => sockets.length).toBeGreaterThan(0);
  // The upgrade from polling to this WebSocket settles.
  await tia.page.waitForTimeout(500);

  dropping = true;
  await sam.say("@Tia: lost on the way");
  await sam.expectMessage("lost on the way");
  // Someone comes in meanwhile: the notice is a line of the room's history, caught up like any.
  await users(["Uma"]);
  await sam.expectMessage("Uma entered the room");
  await tia.page.waitForTimeout(500);
  await tia.expectNoMessage("lost on the way");
  await tia.expectNoMessage("Uma entered the room");
  // The network gives up: the page's socket closes, and it reconnects and asks its inbox for what it missed.
  dropping = false;
  for (const { page, server } of sockets.splice(0)) {
    await page.close();
    await server.close();
  }
  await tia.expectMessage("lost on the way");
  const whisper = tia.page.getByRole("log").getByRole("listitem").filter({ hasText: "lost on the way" });
  await expect(whisper).toHaveCount(1);
  await expect(whisper).toContainText("(private)");
  await tia.expectMessage("Uma entered the room");
  await expect(tia.page.getByRole("log").getByRole("listitem").filter({ hasText: "Uma entered the room" })).toHaveCount(1);
});

test("signing out ends the session everywhere: every tab is disconnected and back at the front door", async ({ users }) => {
  const [lou, max] = await users(["Lou", "Max"]);
  const secondTab = await lou.context.newPage();
  await secondTab.goto("/rooms/room");
  await expect(secondTab.getByRole("status")).toHaveText(/^Connected to /);
  await lou.page.getByRole("button", { name: "Sign out" }).click();
  await expect(lou.page.getByRole("textbox", { name: "Display name" })).toBeVisible();
  await expect(secondTab.getByRole("status")).toHaveText("Disconnected by the server");
  await expect(max.page.getByRole("list", { name: "People in this room" })).not.toContainText("Lou");
  await secondTab.reload();
  await expect(secondTab.getByRole("textbox", { name: "Display name" })).toBeVisible();
});
