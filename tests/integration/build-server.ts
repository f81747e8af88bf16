import { execFileSync } from "node:child_process";

/** Vitest global set-up: the integration tests run the compiled server; compile the current source. */
export default function buildServer() {
  execFileSync(process.execPath, ["scripts/build-server.mjs"], { stdio: "inherit" });
}
