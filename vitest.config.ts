import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // The app's `@/` imports (tsconfig.json's paths), as Next.js, tsx and the server build read them.
  resolve: { alias: [{ find: /^@\//, replacement: fileURLToPath(new URL("./", import.meta.url)) }] },
  test: {
    projects: [
      {
        // Each project takes the root's `resolve` (the `@/` alias).
        extends: true,
        test: {
          name: "unit",
          include: ["whisk/**/*.test.ts", "whisk/**/*.test.tsx", "server/**/*.test.ts", "app/**/*.test.ts", "app/**/*.test.tsx"],
          // A real 3-master Redis Cluster for the contract suites (about 3 s to start).
          globalSetup: ["tests/redis-cluster-global-setup.ts"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          // Compiles server/main.ts again (under a second), so the server processes run this source.
          globalSetup: ["tests/integration/build-server.ts"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 90_000,
          // One real server process per file; files run one after another on a 2-core machine.
          fileParallelism: false,
        },
      },
    ],
  },
});
