import { existsSync } from "node:fs";

/** Flags for headless Chromium on a machine with no network but loopback (no sandbox as root). */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/**
 * Debian's Chromium by default; CHROMIUM_PATH points elsewhere, or "" for Playwright's own
 * browsers. Fails with one line that says how to get a browser when there is none.
 */
export function chromiumPath(): string | undefined {
  const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (path && !existsSync(path)) {
    throw new Error(
      `The browser tests need Chromium at ${path}: run \`apt-get install -y chromium\`, or set CHROMIUM_PATH to a Chromium binary ("" for Playwright's own).`,
    );
  }
  return path || undefined;
}
