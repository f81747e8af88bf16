/**
 * A copy of the app as a user has it (its tracked and new files, without tests), for tests that
 * edit its code: they never touch the project's own files. It lives in .test-apps/ inside the
 * project (ignored by git), so Next and Node find the project's node_modules from it.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";

export const PROJECT_ROOT = join(import.meta.dirname, "..");
const APP_PARTS = ["app", "server", "public", "next.config.ts", "tsconfig.json", "package.json", "proxy.ts", "postcss.config.mjs"];

export function copyOfTheApp(name: string): { dir: string; remove(): void } {
  mkdirSync(join(PROJECT_ROOT, ".test-apps"), { recursive: true });
  const dir = mkdtempSync(join(PROJECT_ROOT, ".test-apps", `${name}-`));
  const listed = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "--", ...APP_PARTS], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
  });
  for (const file of listed.split("\n").filter((path) => path && !/\.test\.tsx?$/.test(path))) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(PROJECT_ROOT, file), join(dir, file));
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
