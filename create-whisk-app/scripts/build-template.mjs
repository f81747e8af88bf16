// Builds template/ from the repository's own tracked files, so the shipped template cannot drift.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { templateFiles } from "../src/template-files.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = join(here, "..");
const repoRoot = execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd: pkgDir, encoding: "utf8" }).trim();
const out = join(pkgDir, "template");
rmSync(out, { recursive: true, force: true });
for (const file of templateFiles(repoRoot)) {
  // npm pack drops files named .gitignore: store it as "gitignore", renamed back on create.
  const target = join(out, file === ".gitignore" ? "gitignore" : file);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(join(repoRoot, file), target);
}
console.log(`template/ built from ${repoRoot}`);
