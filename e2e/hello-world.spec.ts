import { expect, test } from "@playwright/test";

test("two users in two browsers: what A says, B sees, and so does A", async ({ browser }) => {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  // Every URL the page asks for, the socket's included: a ws_token must never be in one.
  const urls: string[] = [];
  alice.on("request", (request) => urls.push(request.url()));
  alice.on("websocket", (socket) => urls.push(socket.url()));
  await alice.goto("/hello");
  await bob.goto("/hello");

  await expect(alice.getByRole("status")).toHaveText("Connected to e2e-node");
  await expect(bob.getByRole("status")).toHaveText("Connected to e2e-node");
  const aliceName = (await alice.getByText(/^You are User \d+\.$/).textContent())?.match(/User (\d+)/)?.[1];
  expect(aliceName).toMatch(/^\d{4}$/);

  await alice.getByRole("textbox", { name: "Message" }).fill("Hello, Bob");
  await alice.getByRole("button", { name: "Send" }).click();

  const expected = `User ${aliceName} said "Hello, Bob"`;
  await expect(bob.getByRole("log")).toContainText(expected);
  await expect(alice.getByRole("log")).toContainText(expected);
  await expect(alice.getByRole("textbox", { name: "Message" })).toHaveValue("");
  expect(urls.some((url) => url.includes("/whisk/"))).toBe(true);
  for (const url of urls) expect(url).not.toMatch(/token|[A-Za-z0-9_-]{43}/);
});

test("a message is rendered as text, never as HTML", async ({ page }) => {
  await page.goto("/hello");
  await expect(page.getByRole("status")).toHaveText("Connected to e2e-node");
  let dialogOpened = false;
  page.on("dialog", async (dialog) => {
    dialogOpened = true;
    await dialog.dismiss();
  });
  const attack = "<img src=x onerror=alert(1)>";
  await page.getByRole("textbox", { name: "Message" }).fill(attack);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("log")).toContainText(attack);
  await expect(page.getByRole("log").locator("img")).toHaveCount(0);
  expect(dialogOpened).toBe(false);
});

test("reset ends the session: the page reconnects as a new user", async ({ page }) => {
  await page.goto("/hello");
  await expect(page.getByRole("status")).toHaveText("Connected to e2e-node");
  const before = await page.getByText(/^You are User \d+\.$/).textContent();
  await page.getByRole("button", { name: /Reset/ }).click();
  await expect(page.getByText(/^You are User \d+\.$/)).not.toHaveText(before ?? "");
  await expect(page.getByRole("status")).toHaveText("Connected to e2e-node");
});

test("the user is kept across reloads by the session cookie", async ({ page }) => {
  await page.goto("/hello");
  const greeting = page.getByText(/^You are User \d+\.$/);
  await expect(greeting).toBeVisible();
  const before = await greeting.textContent();
  await page.reload();
  await expect(page.getByRole("status")).toHaveText("Connected to e2e-node");
  await expect(greeting).toHaveText(before ?? "");
});
