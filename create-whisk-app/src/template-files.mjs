// Which of the repository's tracked files a new app gets: everything but CI, the scaffolder, bench results and notes.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** Path prefixes (relative to the repository root) that are not part of the template. */
export const EXCLUDED = [".ci/", "create-whisk-app/", "bench/results.json", "notes/", "issues/", "reference/"];

/**
 * @param {string} repoRoot
 * @returns {string[]} tracked files the template holds, relative to repoRoot
 */
export function templateFiles(repoRoot) {
  const out = execFileSync("git", ["ls-files", "-z"], { cwd: repoRoot, encoding: "utf8" });
  return out
    .split("\0")
    .filter(Boolean)
    .filter((f) => !EXCLUDED.some((p) => f === p || f.startsWith(p)))
    .filter((f) => existsSync(join(repoRoot, f)));
}
