// create-whisk-app: copies the template into a new folder, names it, writes .env.local, git init, installs.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { editAppReadme } from "./app-readme.mjs";
import { checkName, checkNode, checkTarget } from "./checks.mjs";
import { install } from "./install.mjs";
import { choosePackageManager } from "./package-manager.mjs";
import { setUpForPackageManager } from "./package-manager-setup.mjs";
import { createPrompts } from "./prompts.mjs";
import { templateSource } from "./template-source.mjs";

const USAGE = `Usage: npm create whisk-app <folder> [-- options]

Options:
  -y, --yes                    no questions: the defaults, changed by the options below
  --template chat|minimal      the chat-room demo (default) or a minimal hello-world start
  --redis                      scaled mode: .env.local gets REDIS_URL (Redis at 127.0.0.1:6379)
  --no-install                 do not install dependencies
  --no-git                     do not make a git repository
  --use-npm, --use-pnpm, --use-yarn, --use-bun
                               install with that package manager (default: the one you ran this with)
  -h, --help                   this text`;

/** Why a folder cannot become the app, or null. */
const refuseFolder = (/** @type {string} */ dir) => checkName(basename(resolve(dir))) ?? checkTarget(resolve(dir));

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
      "use-npm": { type: "boolean" },
      "use-pnpm": { type: "boolean" },
      "use-yarn": { type: "boolean" },
      "use-bun": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const { folder, redis, kind } = await ask(values, positionals[0]);

  const target = resolve(folder);
  const name = basename(target);
  const pm = choosePackageManager(values);
  const template = templateSource();
  try {
    await writeApp(template.dir, { target, name, kind, redis, pm });
  } finally {
    template.done();
  }

  if (!values["no-git"]) firstCommit(target);
  if (!values["no-install"]) await install(pm, target);

  const run = pm === "npm" ? "npm run" : pm;
  /** @type {[string, string][]} what to type, and why */
  const steps = [[`cd ${folder}`, ""]];
  if (values["no-install"]) steps.push([`${pm} install`, ""]);
  if (redis) steps.push(["redis-server --daemonize yes --save ''", "Redis at 127.0.0.1:6379, as .env.local says"]);
  steps.push([`${run} dev`, "http://localhost:3000: open it in two browsers"]);
  // `bun test` is bun's own test runner, not the app's test script.
  steps.push([`${pm === "bun" ? "bun run" : pm} test`, "type check, lint, unit, build, integration, browser"]);
  const width = Math.max(...steps.map(([command]) => command.length));
  const lines = steps.map(([command, why]) => (why ? `${command.padEnd(width)}   # ${why}` : command));
  console.log(`\nCreated ${name} (${kind}, ${redis ? "Redis" : "embedded"}) in ${target}\n\nNext steps:\n  ${lines.join("\n  ")}`);
}

/**
 * Copies the template into `target` and makes it this app's: checks first (nothing is written on
 * a refusal), then the template's files, the chosen variant, the name, the secret, the README.
 * @param {string} templateDir
 * @param {{ target: string, name: string, kind: "chat" | "minimal", redis: boolean, pm: "npm" | "pnpm" | "yarn" | "bun" }} app
 */
async function writeApp(templateDir, { target, name, kind, redis, pm }) {
  const pkg = JSON.parse(readFileSync(join(templateDir, "package.json"), "utf8"));
  const refusal =
    checkNode(pkg.engines?.node ?? ">=22.13.0", process.env.CREATE_WHISK_NODE_VERSION ?? process.versions.node) ?? refuseFolder(target);
  if (refusal) throw new Error(refusal);

  cpSync(templateDir, target, { recursive: true });
  // npm pack drops files named .gitignore, so the template stores it as "gitignore".
  if (existsSync(join(target, "gitignore"))) renameSync(join(target, "gitignore"), join(target, ".gitignore"));
  if (kind === "minimal") {
    const { applyMinimal } = await import("./minimal.mjs");
    applyMinimal(target, pkg);
  }
  editAppReadme(target);
  pkg.name = name;
  // The repository's own script that tests this scaffolder is not the new app's.
  delete pkg.scripts?.["test:create"];
  if (pkg.scripts?.test) pkg.scripts.test = pkg.scripts.test.replace(" && npm run test:create", "");
  setUpForPackageManager(target, pkg, pm);
  writeFileSync(join(target, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  nameLockfile(join(target, "package-lock.json"), name, pm);
  writeFileSync(join(target, ".env.local"), envFile(name, redis));
}

/**
 * The choices: from the flags, and in a terminal (without --yes) from questions for what the flags
 * leave open.
 * @param {{ yes?: boolean, redis?: boolean, template?: string }} values
 * @param {string | undefined} folderArg
 * @returns {Promise<{ folder: string, redis: boolean, kind: "chat" | "minimal" }>}
 */
async function ask(values, folderArg) {
  if (values.template !== undefined && values.template !== "chat" && values.template !== "minimal") {
    throw new Error(`--template is chat or minimal, not "${values.template}"`);
  }
  let folder = folderArg;
  let redis = values.redis ?? false;
  let kind = /** @type {"chat" | "minimal"} */ (values.template ?? "chat");
  if (process.stdin.isTTY && !values.yes) {
    const prompts = createPrompts({ input: process.stdin, output: process.stdout });
    try {
      folder ??= await prompts.text("Project name:", "my-whisk-app", refuseFolder);
      if (values.redis === undefined) {
        redis =
          (await prompts.choose("How should it run?", [
            { value: "embedded", label: "Embedded: one process, no Redis (you can switch later)" },
            { value: "redis", label: "Redis: sessions and messages in Redis, ready to scale out" },
          ])) === "redis";
      }
      if (values.template === undefined) {
        kind = await prompts.choose("Start from:", [
          { value: "chat", label: "The chat-room demo: rooms, presence, history, private messages" },
          { value: "minimal", label: "A minimal hello-world" },
        ]);
      }
    } finally {
      prompts.close();
    }
  }
  if (!folder) throw new Error("give the folder to create: npm create whisk-app my-app");
  return { folder, redis, kind };
}

/**
 * npm's lockfile gets the app's name too (npm install would rename it, leaving the first commit
 * stale); pnpm, yarn and bun write their own lockfile, where npm's would only mislead.
 */
function nameLockfile(/** @type {string} */ path, /** @type {string} */ name, /** @type {string} */ pm) {
  if (!existsSync(path)) return;
  if (pm !== "npm") return rmSync(path);
  const lock = JSON.parse(readFileSync(path, "utf8"));
  lock.name = name;
  if (lock.packages?.[""]) lock.packages[""].name = name;
  writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
}

/** A fresh session secret; in Redis mode also where Redis is and this process's name. */
function envFile(/** @type {string} */ name, /** @type {boolean} */ redis) {
  const lines = [`SESSION_SECRET=${randomBytes(32).toString("base64url")}`];
  if (redis) {
    // Its own key prefix, so apps sharing a development Redis do not see each other's data.
    lines.push("REDIS_URL=redis://127.0.0.1:6379", "WHISK_NODE_ID=node-1", `WHISK_REDIS_PREFIX=${name}:`);
  }
  return `${lines.join("\n")}\n`;
}

/** git init and a first commit; a machine without git gets a warning, not a failure. */
function firstCommit(/** @type {string} */ cwd) {
  const git = (/** @type {string[]} */ ...args) => execFileSync("git", args, { cwd, stdio: "ignore" });
  try {
    git("init", "-q");
    git("add", "-A");
    const commit = ["commit", "-q", "-m", "Initial commit from create-whisk-app"];
    try {
      git(...commit);
    } catch {
      // No git identity on this machine: commit as the scaffolder rather than not at all.
      git("-c", "user.name=create-whisk-app", "-c", "user.email=create-whisk-app@localhost", ...commit);
    }
  } catch {
    console.warn("git init skipped (is git installed?)");
  }
}
