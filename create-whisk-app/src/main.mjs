// create-whisk-app: copies the template into a new folder, names it, writes .env.local, git init, installs.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { checkName, checkNode, checkTarget } from "./checks.mjs";
import { detectPackageManager } from "./package-manager.mjs";

const TEMPLATE = join(dirname(fileURLToPath(import.meta.url)), "..", "template");

/** @param {string[]} argv */
export async function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      yes: { type: "boolean", short: "y" },
      redis: { type: "boolean" },
      template: { type: "string" },
      "no-install": { type: "boolean" },
      "no-git": { type: "boolean" },
    },
  });
  const interactive = process.stdin.isTTY && !values.yes;
  let dirArg = positionals[0];
  let redis = values.redis ?? false;
  let template = values.template ?? "chat";
  if (interactive) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    dirArg ||= (await rl.question("Project name: (my-whisk-app) ")) || "my-whisk-app";
    if (values.redis === undefined) redis = /^r/i.test(await rl.question("Embedded (one process) or Redis (scaled)? [embedded/redis] "));
    if (!values.template)
      template = /^m/i.test(await rl.question("Chat-room demo or minimal hello-world? [chat/minimal] ")) ? "minimal" : "chat";
    rl.close();
  }
  if (!dirArg) throw new Error("give the folder to create: npm create whisk-app my-app");
  if (template !== "chat" && template !== "minimal") throw new Error(`--template is chat or minimal, not "${template}"`);

  const target = resolve(dirArg);
  const name = basename(target);
  const pkg = JSON.parse(readFileSync(join(TEMPLATE, "package.json"), "utf8"));
  const refusal =
    checkNode(pkg.engines?.node ?? ">=20.9.0", process.env.CREATE_WHISK_NODE_VERSION ?? process.versions.node) ??
    checkName(name) ??
    checkTarget(target);
  if (refusal) throw new Error(refusal);

  cpSync(TEMPLATE, target, { recursive: true });
  if (existsSync(join(target, "gitignore"))) renameSync(join(target, "gitignore"), join(target, ".gitignore"));
  if (template === "minimal") {
    const { applyMinimal } = await import("./minimal.mjs");
    applyMinimal(target);
  }
  pkg.name = name;
  // The repository's own scripts that test this scaffolder are not the new app's.
  delete pkg.scripts?.["test:create"];
  if (pkg.scripts?.test) pkg.scripts.test = pkg.scripts.test.replace(" && npm run test:create", "");
  writeFileSync(join(target, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  const env = [`SESSION_SECRET=${randomBytes(32).toString("base64url")}`];
  if (redis) env.push("REDIS_URL=redis://127.0.0.1:6379", "WHISK_NODE_ID=node-1");
  writeFileSync(join(target, ".env.local"), `${env.join("\n")}\n`);

  if (!values["no-git"]) {
    try {
      const git = (/** @type {string[]} */ ...args) => execFileSync("git", args, { cwd: target, stdio: "ignore" });
      git("init", "-q");
      git("add", "-A");
      git(
        "-c",
        "user.name=create-whisk-app",
        "-c",
        "user.email=create-whisk-app@localhost",
        "commit",
        "-q",
        "-m",
        "Initial commit from create-whisk-app",
      );
    } catch {
      console.warn("git init skipped (is git installed?)");
    }
  }

  const pm = detectPackageManager();
  if (!values["no-install"]) await install(pm, target);
  const run = pm === "npm" ? "npm run" : pm;
  console.log(`\nCreated ${name} in ${target}\n\nNext steps:\n  cd ${dirArg}`);
  if (values["no-install"]) console.log(`  ${pm} install`);
  if (redis) console.log("  # Redis must be running at redis://127.0.0.1:6379 (redis-server --daemonize yes)");
  console.log(`  ${run} dev      # http://localhost:3000\n  ${run} test:unit`);
}

/** @param {string} pm @param {string} cwd */
function install(pm, cwd) {
  const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
  let i = 0;
  const tty = process.stdout.isTTY;
  const timer = tty ? setInterval(() => process.stdout.write(`\r${frames[i++ % frames.length]} Installing with ${pm}…`), 80) : null;
  if (!tty) console.log(`Installing with ${pm}…`);
  const args = [
    "install",
    ...(pm === "npm" ? ["--no-audit", "--no-fund", ...(process.env.CREATE_WHISK_PREFER_OFFLINE ? ["--prefer-offline"] : [])] : []),
  ];
  return new Promise((ok, fail) => {
    const child = spawn(pm, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", fail);
    child.on("exit", (code) => {
      if (timer) clearInterval(timer);
      if (tty) process.stdout.write("\r");
      code === 0 ? ok(undefined) : fail(new Error(`${pm} install failed (${code}):\n${err.slice(-2000)}`));
    });
  });
}
