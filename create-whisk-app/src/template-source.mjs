// Where a new app's files come from: the repository itself when run from a checkout, so
// `node create-whisk-app/bin/create-whisk-app.mjs my-app` works before anything is published;
// the packed template/ when installed from the registry.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { templateFiles } from "./template-files.mjs";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = join(pkgDir, "..");

/**
 * Copies the repository's template files to `out`. npm pack drops files named .gitignore, so it
 * is stored as "gitignore" and renamed back on create.
 * @param {string} root the repository
 * @param {string} out
 */
export function copyTemplate(root, out) {
  for (const file of templateFiles(root)) {
    const target = join(out, file === ".gitignore" ? "gitignore" : file);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(join(root, file), target);
  }
}

/** True when this scaffolder sits in a Whisk checkout (a git repository holding the template). */
export function runsFromCheckout() {
  return existsSync(join(repoRoot, ".git")) && existsSync(join(repoRoot, "whisk", "package.json"));
}

/**
 * The template folder and how to tidy up after it. From a checkout it is always built afresh
 * (a template/ left by an earlier `npm pack` would be stale).
 * @returns {{ dir: string, done(): void }}
 */
export function templateSource() {
  if (!runsFromCheckout()) return { dir: join(pkgDir, "template"), done() {} };
  const dir = mkdtempSync(join(tmpdir(), "whisk-template-"));
  copyTemplate(repoRoot, dir);
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}
