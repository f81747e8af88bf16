// Builds template/ from the repository's own tracked files, so the shipped template cannot drift.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { copyTemplate } from "../src/template-source.mjs";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd: pkgDir, encoding: "utf8" }).trim();
const out = join(pkgDir, "template");
rmSync(out, { recursive: true, force: true });
copyTemplate(repoRoot, out);
console.log(`template/ built from ${repoRoot}`);
