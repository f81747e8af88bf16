/**
 * The README a first-time reader trusts: it names every setting the server reads and every error
 * code a client can get, so neither list drifts from the code.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "whisk/core";
import { SETTING_NAMES } from "./env";

const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");

describe("README.md", () => {
  it("has a row for every setting in server/env.ts", () => {
    const missing = SETTING_NAMES.filter((name) => !readme.includes(`| \`${name}\``));
    expect(missing).toEqual([]);
  });

  it("has a row for every error code in whisk/core/errors.ts", () => {
    const missing = Object.keys(ERROR_CODES).filter((code) => !readme.includes(`| \`${code}\``));
    expect(missing).toEqual([]);
  });
});
