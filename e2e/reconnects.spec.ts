import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { Redis } from "ioredis";
import { SERVER_BUILD, type ServerProcess, startServerProcess, TEST_REDIS_URL } from "whisk/testing";
import { copyOfTheApp, PROJECT_ROOT } from "../tests/app-copy";

/**
 * Reconnects that survive what a deploy and an outage do to an open tab. The server keeps its
 * sessions in Redis (as a deployment does), so a replaced process knows the tab's person.
 */
const prefix = `whisk-e2e-reconnects:${randomBytes(4).toString("hex")}:`;
// A socket gets its resume token 1 s after it connects here (10 s by default).
const env = {
  WHISK_NODE_ID: "reconnects",
  REDIS_URL: TEST_REDIS_URL,
  WHISK_REDIS_PREFIX: prefix,
  LOG_LEVEL: "warn",
  WHISK_RESUME_TOKEN_AFTER_MS: "1000",
};
let server: ServerProcess;

test.beforeEach(async () => {
  server = await startServerProcess({ env });
});
test.afterEach(async () => {
  await server?.stop();
});

/** The person the page says it is, e.g. "User 1234". */
async function whoAmI(page: Page): Promise<string> {
  await expect(page.getByRole("status")).toHaveText("Connected to reconnects");
  return ((await page.getByText(/^You are User \d+\.$/).textContent()) ?? "").replace(/^You are |\.$/g, "");
}

/** Server actions carry a Next-Action header; after a deploy, the old build's ids are unknown. */
const isServerAction = (headers: Record<string, string>) => "next-action" in headers;

/**
 * Forgets every ws_token in Redis, the tab's resume token too, as a Redis failover or a long
 * outage would: the tab must then come back through the token action or the token route.
 */
async function forgetTokens(): Promise<number> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}token:*`);
    if (keys.length > 0) await redis.del(...keys);
    return keys.length;
  } finally {
    redis.disconnect();
  }
}

test("a tab comes back after a restart with its resume token, asking the web tier for nothing", async ({ page }) => {
  const asked: string[] = [];
  page.on("request", (request) => {
    if (isServerAction(request.headers()) || new URL(request.url()).pathname === "/api/ws-token") asked.push(request.url());
  });
  const resumeTokenArrived = new Promise<void>((resolve) => {
    page.on("websocket", (socket) =>
      socket.on("framereceived", ({ payload }) => {
        if (String(payload).includes('"whisk.resume"')) resolve();
      }),
    );
  });
  await page.goto(`${server.url}/hello`);
  const before = await whoAmI(page);
  // The page's first token came from the action; the gateway then handed it a resume token.
  await resumeTokenArrived;
  expect(asked).toHaveLength(1);
  const port = server.port;
  await server.stop();
  server = await startServerProcess({ env, port });
  expect(await whoAmI(page)).toBe(before);
  expect(asked).toHaveLength(1);
  await page.getByRole("textbox", { name: "Message" }).fill("back on the resume token");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("log")).toContainText("back on the resume token");
});

test("a tab opened before a deploy reconnects as the same person when the old build's token action is gone", async ({ page }) => {
  await page.goto(`${server.url}/hello`);
  const before = await whoAmI(page);
  // The new build does not know the tab's action ids: every server action call fails, as a
  // replaced build answers them (Next.js: "Failed to find Server Action").
  await page.route("**/*", (route) =>
    isServerAction(route.request().headers()) ? route.fulfill({ status: 404, body: "Server action not found." }) : route.fallback(),
  );
  const port = server.port;
  await server.stop();
  await forgetTokens();
  server = await startServerProcess({ env, port });
  // Back through the same-origin token route, cookie and all: the same person, talking.
  expect(await whoAmI(page)).toBe(before);
  await page.getByRole("textbox", { name: "Message" }).fill("after the deploy");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("log")).toContainText("after the deploy");
});

test("a 30 s outage of every way to get a token is survived: the tab comes back by itself after it", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`${server.url}/hello`);
  const before = await whoAmI(page);
  let outage = true;
  await page.route("**/*", (route) => {
    const request = route.request();
    const asksForToken = isServerAction(request.headers()) || new URL(request.url()).pathname === "/api/ws-token";
    return outage && asksForToken ? route.fulfill({ status: 503, body: "Service unavailable" }) : route.fallback();
  });
  const port = server.port;
  await server.stop();
  await forgetTokens();
  server = await startServerProcess({ env, port });
  // Failing, and saying so, while it keeps trying.
  await expect(page.getByRole("status")).not.toHaveText(/^Connected/);
  await page.waitForTimeout(30_000);
  await expect(page.getByRole("status")).not.toHaveText(/^Connected/);
  outage = false;
  // The back-off is at most 30 s (with jitter): within that it is back, with no reload.
  await expect(page.getByRole("status")).toHaveText("Connected to reconnects", { timeout: 35_000 });
  expect(await whoAmI(page)).toBe(before);
});

test.describe("a real second build", () => {
  let second: ReturnType<typeof copyOfTheApp> | undefined;

  // The same code built again in a copy of the app, as a deploy does: without a shared
  // NEXT_SERVER_ACTIONS_ENCRYPTION_KEY, Next.js gives its server actions new ids.
  test.beforeAll(() => {
    test.setTimeout(240_000);
    second = copyOfTheApp("second-build");
    execFileSync(process.execPath, [join(PROJECT_ROOT, "node_modules", "next", "dist", "bin", "next"), "build"], {
      cwd: second.dir,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: "" },
      stdio: "ignore",
    });
    // The custom server is the same code: its compiled file is the project's.
    mkdirSync(join(second.dir, "dist"), { recursive: true });
    cpSync(join(PROJECT_ROOT, SERVER_BUILD), join(second.dir, SERVER_BUILD));
  });
  test.afterAll(() => second?.remove());

  test("a tab opened on one build reconnects as the same person and chats after a second build replaces it", async ({ page }) => {
    await page.goto(`${server.url}/hello`);
    const before = await whoAmI(page);
    const actionAnswers: number[] = [];
    page.on("response", (response) => {
      if (isServerAction(response.request().headers())) actionAnswers.push(response.status());
    });
    const port = server.port;
    await server.stop();
    await forgetTokens();
    server = await startServerProcess({ env, port, cwd: second?.dir });

    expect(await whoAmI(page)).toBe(before);
    // The old build's action ids are unknown to the new build: the tab came back by its token route.
    expect(actionAnswers.length).toBeGreaterThan(0);
    expect(actionAnswers.every((status) => status >= 400)).toBe(true);
    await page.getByRole("textbox", { name: "Message" }).fill("said on the second build");
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page.getByRole("log")).toContainText("said on the second build");
  });
});
