// Issue 14: an app made with pnpm, yarn or bun, each the real one from the npm registry, is
// installed by the scaffolder with it, type-checks, builds, and its production server serves a
// page that connects.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort, pageConnects, startServer } from "./live-server.mjs";

const scaffolder = join(dirname(fileURLToPath(import.meta.url)), "..", "bin", "create-whisk-app.mjs");
/** The package managers, installed from the npm registry: kept between runs, outside the repository. */
const toolsDir = join(tmpdir(), "whisk-package-managers");
const work = mkdtempSync(join(tmpdir(), "whisk-pm-apps-"));
after(() => rmSync(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }));

/**
 * Each as a user gets it today: pnpm's current major; yarn 1, which is npm's `yarn` and
 * corepack's default (yarn 2 and later are set up by the scaffolder's .yarnrc.yml, not run here);
 * bun, whose binary comes in an optional dependency. `exec` runs a package's bin.
 */
const MANAGERS = [
  { name: "pnpm", spec: "pnpm@12", lockfile: "pnpm-lock.yaml", exec: ["exec"] },
  { name: "yarn", spec: "yarn@1", lockfile: "yarn.lock", exec: [] },
  { name: "bun", spec: "bun@1", lockfile: "bun.lock", exec: ["x"] },
];

/** How long each step may take, in seconds (measured on 2 cores: install 1-16, type check 7-18, build 15-28, serve 2). */
const LIMITS = { tool: 120, createAndInstall: 300, typecheck: 180, build: 300, serve: 60 };

/** The user's environment, less what `npm run` adds (pnpm and yarn would read its npm_config_*). */
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== "NODE_ENV"));

/**
 * Runs a command to its end, its whole process group killed past `seconds`.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, seconds: number }} options
 * @returns {Promise<{ output: string, seconds: number }>}
 */
function run(command, args, { cwd, env, seconds }) {
  const commandLine = [command, ...args].join(" ");
  const started = performance.now();
  return new Promise((ok, fail) => {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const collect = (/** @type {Buffer} */ chunk) => {
      output += chunk;
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // Gone already.
      }
    }, seconds * 1000);
    child.once("error", (error) => {
      clearTimeout(timer);
      fail(new Error(`could not run ${commandLine}: ${error.message}`));
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      const tail = output.slice(-4000);
      if (timedOut) fail(new Error(`${commandLine} took over ${seconds} s\n${tail}`));
      else if (code !== 0) fail(new Error(`${commandLine} exited with ${code}\n${tail}`));
      else ok({ output, seconds: (performance.now() - started) / 1000 });
    });
  });
}

/**
 * Installs a package manager from the npm registry into its own folder of toolsDir.
 * @param {(typeof MANAGERS)[number]} manager
 * @returns {Promise<string>} its bin folder
 */
async function installPackageManager({ name, spec }) {
  const prefix = join(toolsDir, spec);
  const env = { ...userEnv, npm_config_loglevel: "error" };
  try {
    await run("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--prefer-offline", spec], {
      cwd: tmpdir(),
      env,
      seconds: LIMITS.tool,
    });
  } catch (error) {
    throw new Error(`${spec} could not be installed from the npm registry: ${firstErrorLine(error)}`);
  }
  const binDir = join(prefix, "node_modules", ".bin");
  try {
    await run(join(binDir, name), ["--version"], { cwd: tmpdir(), env, seconds: 30 });
  } catch (error) {
    throw new Error(`${spec} was installed from the npm registry but \`${name} --version\` fails: ${firstErrorLine(error)}`);
  }
  return binDir;
}

/** The line of a failed run that says why: npm's first error message, else the last line. */
function firstErrorLine(/** @type {unknown} */ error) {
  const lines = String(error instanceof Error ? error.message : error)
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.find((line) => /^npm error (?!code |errno |A complete log)/.test(line)) ?? lines.at(-1) ?? "no output";
}

/** @type {Record<string, Promise<{ binDir: string } | { why: string }>>} */
const packageManagers = {};
before(() => {
  // All three at once: each test waits for its own, and fails with its own reason.
  for (const manager of MANAGERS) {
    packageManagers[manager.name] = installPackageManager(manager).then(
      (binDir) => ({ binDir }),
      (/** @type {Error} */ error) => ({ why: error.message }),
    );
  }
});

// The three at once: most of each is waiting on the registry or on one build, and the step limits
// above leave room for sharing 2 cores.
describe("each package manager", { concurrency: MANAGERS.length }, () => {
  for (const manager of MANAGERS) {
    const { name } = manager;
    test(`${name}: the scaffolder installs a minimal app with ${name}, which type-checks, builds and serves a page that connects`, async (t) => {
      const installed = await packageManagers[name];
      if ("why" in installed) assert.fail(installed.why);
      const env = { ...userEnv, PATH: `${installed.binDir}${delimiter}${userEnv.PATH}` };
      const step = async (/** @type {string} */ label, /** @type {Promise<{ output: string, seconds: number }>} */ running) => {
        const done = await running;
        t.diagnostic(`${label}: ${done.seconds.toFixed(1)} s`);
        return done;
      };

      const appName = `${name}-app`;
      const app = join(work, appName);
      const created = await step(
        `scaffold and ${name} install`,
        run(process.execPath, [scaffolder, appName, "--yes", "--template", "minimal", `--use-${name}`], {
          cwd: work,
          env,
          seconds: LIMITS.createAndInstall,
        }),
      );
      assert.match(created.output, new RegExp(`Installed dependencies with ${name} in \\d+ s`), created.output);
      assert.ok(existsSync(join(app, manager.lockfile)), `${name} wrote ${manager.lockfile}`);
      assert.equal(existsSync(join(app, "package-lock.json")), false, "npm's lockfile is left out");
      assert.equal(
        realpathSync(join(app, "node_modules", "whisk")),
        realpathSync(join(app, "whisk")),
        "the whisk dependency is the app's workspace, linked",
      );
      // vite is vitest's peer (yarn 1 installs none), at the version the app's overrides pin.
      const fromVitest = createRequire(realpathSync(join(app, "node_modules", "vitest", "package.json")));
      const vite = (() => {
        try {
          return JSON.parse(readFileSync(fromVitest.resolve("vite/package.json"), "utf8")).version;
        } catch {
          return "not installed";
        }
      })();
      assert.equal(vite, JSON.parse(readFileSync(join(app, "package.json"), "utf8")).overrides.vite, "the vite vitest loads");

      await step("type check", run(name, [...manager.exec, "tsc", "--noEmit"], { cwd: app, env, seconds: LIMITS.typecheck }));
      await step("build", run(name, ["run", "build"], { cwd: app, env, seconds: LIMITS.build }));

      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const started = performance.now();
      const server = startServer(name, ["run", "start"], {
        cwd: app,
        env: {
          ...env,
          PORT: String(port),
          HOST: "127.0.0.1",
          SESSION_SECRET: randomBytes(32).toString("base64url"),
          // Plain http: cookies without Secure, and the page's own origin allowed.
          WHISK_SECURE_COOKIES: "false",
          WHISK_ALLOWED_ORIGINS: base,
        },
      });
      try {
        await pageConnects(app, base, server, LIMITS.serve);
        t.diagnostic(`start, page and socket: ${((performance.now() - started) / 1000).toFixed(1)} s`);
      } finally {
        await server.stop();
      }
    });
  }
});
