import { type ServerProcess, startServerProcess } from "whisk/testing";
import { DEFAULT_USER_LABELS, expect, test } from "whisk/testing/playwright";

/**
 * The devtools panel in a real browser: on `npm run dev`'s server it opens with Alt+Shift+W (or
 * its button) and shows the connection, the room and who is in it, the routes and events with
 * their schemas, the messages in and out, and sends a route checked against its schema. The
 * production server (the suite's own) has none of it.
 */
let dev: ServerProcess;
test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000);
  dev = await startServerProcess({ mode: "development", env: { WHISK_NODE_ID: "dev-tools", LOG_LEVEL: "warn" } });
  // The development server compiles each page, action and chunk on its first request: one visit
  // first, with time for it, so the test's own steps wait no longer than a user would.
  const context = await browser.newContext({ baseURL: dev.url });
  const page = await context.newPage();
  await page.goto("/", { timeout: 120_000 });
  await page.getByRole("textbox", { name: DEFAULT_USER_LABELS.nameBox }).fill("Warm Up");
  await page.getByRole("button", { name: DEFAULT_USER_LABELS.join }).click();
  await expect(page.getByRole("status")).toHaveText(/^Connected to /, { timeout: 120_000 });
  await expect(page.getByRole("button", { name: "Open Whisk devtools" })).toBeVisible({ timeout: 60_000 });
  await context.close();
});
test.afterAll(async () => {
  await dev?.stop();
});

test("in development, the panel shows the live connection and sends a route checked against its schema", async ({ users }) => {
  test.setTimeout(150_000);
  const [ann] = await users(["Ann"], { url: dev.url });
  const { page } = ann;
  await expect(page.getByRole("button", { name: "Open Whisk devtools" })).toBeVisible();
  await page.keyboard.press("Alt+Shift+W");
  const panel = page.getByRole("region", { name: "Whisk devtools" });
  await expect(panel).toBeVisible();

  const connection = panel.getByRole("definition");
  await expect(connection.filter({ hasText: "connected" })).toHaveCount(1);
  await expect(connection.filter({ hasText: "websocket" })).toHaveCount(1);
  await expect(connection.filter({ hasText: "dev-tools" })).toHaveCount(1);
  await expect(connection.filter({ hasText: /^\d+ ms$/ })).toHaveCount(1);
  await expect(panel.getByRole("region", { name: "Routes" })).toContainText("room.send");
  await expect(panel.getByRole("region", { name: "Events" })).toContainText("room.message");
  // Sign-in lands in The Room; the server says who is there, and on which node.
  await expect(panel.getByRole("list", { name: "Rooms" })).toContainText("room Ann on dev-tools");

  // A schema opens under its route.
  await panel.getByText("room.send", { exact: true }).first().click();
  await expect(panel.getByRole("region", { name: "Routes" })).toContainText('"maxLength": 1000');

  // What the page sends and receives, with the ack's outcome.
  await ann.say("hello from the page");
  const messages = panel.getByRole("list", { name: "Messages" });
  await expect(messages.getByRole("listitem").filter({ hasText: "room.send" }).first()).toContainText("ok");
  await expect(messages.getByRole("listitem").filter({ hasText: "room.message" }).first()).toContainText("hello from the page");

  // The send box: checked by the server's schema as it is typed, then sent for real.
  const form = panel.getByRole("form", { name: "Call a route" });
  await form.getByRole("combobox").selectOption("room.send");
  const payload = form.getByRole("textbox");
  await payload.fill('{ "room": "room", "text": ');
  await expect(form).toContainText("Not JSON");
  await expect(form.getByRole("button", { name: "Call route" })).toBeDisabled();
  await payload.fill('{ "room": "room", "text": "" }');
  await expect(form).toContainText("Does not match: text");
  await payload.fill('{ "room": "room", "text": "sent from the devtools" }');
  await expect(form).toContainText("Matches the schema");
  await form.getByRole("button", { name: "Call route" }).click();
  await expect(form).toContainText('"status":"ok"');
  await ann.expectMessage("sent from the devtools");

  // A payload the schema refuses, sent anyway, gets the server's typed error in the list.
  await payload.fill('{ "room": "nowhere", "text": "x" }');
  await expect(form).toContainText("Does not match: room");
  await form.getByRole("button", { name: "Call route" }).click();
  await expect(form).toContainText("BAD_PAYLOAD");
  await expect(messages.getByRole("listitem").filter({ hasText: "BAD_PAYLOAD" }).first()).toContainText("room.send");

  await panel.getByRole("button", { name: "Close Whisk devtools" }).click();
  await expect(panel).toBeHidden();
  await expect(page.getByRole("button", { name: "Open Whisk devtools" })).toBeVisible();
});

test("in production, there is no panel, no button and no shortcut", async ({ users }) => {
  const [bea] = await users(["Bea"]);
  await bea.page.keyboard.press("Alt+Shift+W");
  await bea.say("still here");
  await bea.expectMessage("still here");
  await expect(bea.page.getByRole("button", { name: "Open Whisk devtools" })).toHaveCount(0);
  await expect(bea.page.getByRole("region", { name: "Whisk devtools" })).toHaveCount(0);
});
