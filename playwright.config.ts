import { chromium, defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, chromiumPath } from "whisk/testing";

const port = Number(process.env.E2E_PORT ?? 3100);

export default defineConfig({
  testDir: "e2e",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  forbidOnly: true,
  retries: 0,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    launchOptions: { executablePath: chromiumPath(chromium.executablePath()), args: CHROMIUM_ARGS },
  },
  webServer: {
    // The production build (`npm run build` runs first in `npm test`), as users deploy it.
    command: "node --enable-source-maps dist/server.mjs",
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      SESSION_SECRET: "e2e-only-secret-e2e-only-secret-e2e-only",
      WHISK_NODE_ID: "e2e-node",
      // Embedded, whatever REDIS_URL the app's .env.local holds.
      REDIS_URL: "",
      WHISK_ALLOWED_ORIGINS: `http://127.0.0.1:${port}`,
      LOG_LEVEL: "warn",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
