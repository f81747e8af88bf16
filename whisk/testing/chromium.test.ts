import { afterEach, describe, expect, it } from "vitest";
import { chromiumPath, SYSTEM_CHROMIUM } from "./chromium";

const only =
  (...present: string[]) =>
  (path: string) =>
    present.includes(path);

describe("chromiumPath: which browser the tests drive", () => {
  const saved = process.env.CHROMIUM_PATH;
  afterEach(() => {
    if (saved === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = saved;
  });

  it('takes CHROMIUM_PATH first, and "" as Playwright\'s own', () => {
    process.env.CHROMIUM_PATH = "/opt/chrome/chrome";
    expect(chromiumPath(undefined, only("/opt/chrome/chrome", SYSTEM_CHROMIUM))).toBe("/opt/chrome/chrome");
    process.env.CHROMIUM_PATH = "";
    expect(chromiumPath(undefined, only(SYSTEM_CHROMIUM))).toBeUndefined();
    process.env.CHROMIUM_PATH = "/nowhere";
    expect(() => chromiumPath(undefined, only(SYSTEM_CHROMIUM))).toThrow("CHROMIUM_PATH is /nowhere, and there is no browser there.");
  });

  it("uses the system's Chromium, else Playwright's own when it is installed (macOS, Windows)", () => {
    delete process.env.CHROMIUM_PATH;
    expect(chromiumPath("/home/me/.cache/ms-playwright/chrome", only(SYSTEM_CHROMIUM))).toBe(SYSTEM_CHROMIUM);
    expect(chromiumPath("/home/me/.cache/ms-playwright/chrome", only("/home/me/.cache/ms-playwright/chrome"))).toBeUndefined();
  });

  it("says in one line how to get a browser when there is none", () => {
    delete process.env.CHROMIUM_PATH;
    expect(() => chromiumPath("/home/me/.cache/ms-playwright/chrome", only())).toThrow(
      /apt-get install -y chromium.*npx playwright install chromium/,
    );
  });
});
