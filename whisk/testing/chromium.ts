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

/** Where Debian and Ubuntu install Chromium (`apt-get install -y chromium`). */
export const SYSTEM_CHROMIUM = "/usr/bin/chromium";

/**
 * The browser the tests drive, for Playwright's `launchOptions.executablePath`:
 * - CHROMIUM_PATH when set ("" for Playwright's own browser);
 * - else the system's Chromium at /usr/bin/chromium;
 * - else Playwright's own (`npx playwright install chromium`, as on macOS and Windows), when
 *   `playwrightsOwn` (its `chromium.executablePath()`) is installed: undefined tells Playwright
 *   to use it.
 * With none of them it fails with one line that says how to get one.
 */
export function chromiumPath(playwrightsOwn?: string, exists: (path: string) => boolean = existsSync): string | undefined {
  const configured = process.env.CHROMIUM_PATH;
  if (configured === "") return undefined;
  if (configured !== undefined) {
    if (!exists(configured)) throw new Error(`CHROMIUM_PATH is ${configured}, and there is no browser there.`);
    return configured;
  }
  if (exists(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  if (playwrightsOwn && exists(playwrightsOwn)) return undefined;
  throw new Error(
    "The browser tests need Chromium: `apt-get install -y chromium` (Debian, Ubuntu), or `npx playwright install chromium` (macOS, Windows, elsewhere), or CHROMIUM_PATH set to a Chromium binary.",
  );
}
