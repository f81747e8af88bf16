import { expect, test } from "@playwright/test";
import { type ServerProcess, startServerProcess } from "whisk/testing";

/**
 * `npm run dev`, opened where people open it: at localhost, and at 127.0.0.1 (which Next.js's
 * development server refuses its own scripts to, unless allowed), with the default origins.
 */
let dev: ServerProcess;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  // As `npm run dev` runs: HOST and WHISK_ALLOWED_ORIGINS unset (empty), so Next.js knows itself
  // as localhost, and the default origins (localhost and 127.0.0.1) apply.
  dev = await startServerProcess({
    mode: "development",
    env: { WHISK_NODE_ID: "dev-e2e", HOST: "", WHISK_ALLOWED_ORIGINS: "", LOG_LEVEL: "warn" },
  });
});
test.afterAll(async () => {
  await dev?.stop();
});

for (const host of ["127.0.0.1", "localhost"]) {
  test(`the development server opened at ${host} loads its scripts and connects`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto(`http://${host}:${dev.port}/hello`);
    await expect(page.getByRole("status")).toHaveText("Connected to dev-e2e", { timeout: 90_000 });
    expect(dev.output()).not.toMatch(/Blocked cross-origin request/);
  });
}

test("stopping the development server with a tab open exits within a few seconds", async ({ page }) => {
  await page.goto(`http://localhost:${dev.port}/hello`);
  await expect(page.getByRole("status")).toHaveText("Connected to dev-e2e");
  const started = Date.now();
  const code = await dev.stop();
  const took = Date.now() - started;
  console.log(`development server with a tab open stopped in ${took} ms (exit code ${code})`);
  expect(code).toBe(0);
  // It waited 30 s for the tab's hot-reload connection (the forced exit) before it closed them itself.
  expect(took).toBeLessThan(5_000);
});
