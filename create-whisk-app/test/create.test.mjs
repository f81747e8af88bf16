// Packs the tarball and runs it as a user would: drift check, refusals, the questions in a
// terminal, the package manager it was run with, and each template end to end through `npm exec`.
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { templateFiles } from "../src/template-files.mjs";
import { freePort, pageConnects, startServer } from "./live-server.mjs";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = join(pkgDir, "..");
const work = mkdtempSync(join(tmpdir(), "create-whisk-app-"));
let tarball = "";
let bin = "";

before(() => {
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: pkgDir, encoding: "utf8" });
  tarball = join(work, JSON.parse(out.slice(out.indexOf("[")))[0].filename);
  execFileSync("tar", ["xzf", tarball, "-C", work]);
  bin = join(work, "package", "bin", "create-whisk-app.mjs");
});
after(() => rmSync(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }));

const npmAgent = "npm/11.0.0 node/v20 linux x64";

/** Runs the unpacked tarball's bin (fast; for what needs no install). */
const run = (/** @type {string[]} */ args, /** @type {string} */ cwd, /** @type {Record<string, string>} */ env = {}) =>
  spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_user_agent: npmAgent, ...env },
  });

test("the packed template is the repository's files, byte for byte", () => {
  const files = templateFiles(repoRoot);
  const packed = join(work, "package", "template");
  for (const f of files) {
    const name = f === ".gitignore" ? "gitignore" : f;
    assert.ok(readFileSync(join(packed, name)).equals(readFileSync(join(repoRoot, f))), `${f} differs`);
  }
  const count = (/** @type {string} */ d) =>
    readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? count(join(d, e.name)) : 1), 0);
  assert.equal(count(packed), files.length);
  assert.ok(!files.some((f) => f.startsWith(".ci/") || f.startsWith("create-whisk-app/")));
});

test("runs from the repository before publishing: the app gets the checkout's files, the licence, and a README about the app", () => {
  const dir = mkdtempSync(join(work, "from-source-"));
  const temporaryTemplates = () => readdirSync(tmpdir()).filter((name) => name.startsWith("whisk-template-")).length;
  const templatesBefore = temporaryTemplates();
  const r = spawnSync(process.execPath, [join(pkgDir, "bin", "create-whisk-app.mjs"), "from-source", "--yes", "--no-install", "--no-git"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, npm_config_user_agent: npmAgent },
  });
  assert.equal(r.status, 0, r.stderr);
  const app = join(dir, "from-source");
  for (const file of ["package.json", "whisk/package.json", "server/routes/world.ts", "LICENSE", ".gitignore"]) {
    assert.ok(existsSync(join(app, file)), `${file} is missing`);
  }
  assert.match(readFileSync(join(app, "LICENSE"), "utf8"), /^MIT License/);
  const readme = readFileSync(join(app, "README.md"), "utf8");
  assert.doesNotMatch(readme, /create-whisk-app\/|test:create/);
  assert.match(readme, /This app was made with `npm create whisk-app`/);
  assert.equal(JSON.parse(readFileSync(join(app, "package.json"), "utf8")).scripts["test:create"], undefined);
  assert.equal(temporaryTemplates(), templatesBefore, "the template built from the checkout is removed");
});

test("refusals give their message and change nothing", () => {
  const dir = mkdtempSync(join(work, "refuse-"));
  mkdirSync(join(dir, "taken"));
  writeFileSync(join(dir, "taken", "keep.txt"), "mine");
  const cases = [
    [["taken", "--yes", "--no-install"], {}, /taken exists and is not empty; nothing was changed/],
    [["Bad Name", "--yes", "--no-install"], {}, /"Bad Name" is not a valid package name: a package name is lowercase/],
    [["new-app", "--yes", "--template", "huge"], {}, /--template is chat or minimal, not "huge"/],
    [
      ["new-app", "--yes", "--no-install"],
      { CREATE_WHISK_NODE_VERSION: "20.19.0" },
      /Node 20\.19\.0 is too old: this template needs Node 22\.13\.0 or newer/,
    ],
  ];
  for (const [args, env, message] of cases) {
    const r = run(/** @type {string[]} */ (args), dir, /** @type {Record<string,string>} */ (env));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /** @type {RegExp} */ (message));
    assert.deepEqual(readdirSync(dir).sort(), ["taken"]);
    assert.deepEqual(readdirSync(join(dir, "taken")), ["keep.txt"]);
  }
});

test("--help prints the options and creates nothing; an unknown option is refused", () => {
  const dir = mkdtempSync(join(work, "help-"));
  const help = run(["--help"], dir);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--template chat\|minimal/);
  const unknown = run(["app", "--yes", "--colour"], dir);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /Unknown option '--colour'/);
  assert.deepEqual(readdirSync(dir), []);
});

test("in a terminal it asks for the name (again, with the rule, for a bad one), the mode and the template", async () => {
  const dir = mkdtempSync(join(work, "tty-"));
  // `script` gives the scaffolder a real pseudo-terminal, so stdin.isTTY is true as in a shell.
  const child = spawn("script", ["-qfec", `${process.execPath} ${bin} --no-install --no-git`, "/dev/null"], {
    cwd: dir,
    env: { ...process.env, npm_config_user_agent: npmAgent, TERM: "dumb" },
  });
  let screen = "";
  child.stdout.on("data", (chunk) => {
    screen += chunk;
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  /** Types `answer` once `prompt` has appeared `times` times. */
  const answer = async (/** @type {RegExp} */ prompt, /** @type {string} */ text, times = 1) => {
    for (let i = 0; i < 200 && (screen.match(new RegExp(prompt, "g")) ?? []).length < times; i++)
      await new Promise((ok) => setTimeout(ok, 50));
    assert.ok((screen.match(new RegExp(prompt, "g")) ?? []).length >= times, `never asked ${prompt}:\n${screen}`);
    child.stdin.write(`${text}\r`);
  };
  await answer(/Project name: \(my-whisk-app\)/, "Bad Name");
  await answer(/Project name: \(my-whisk-app\)/, "tty-app", 2);
  await answer(/Choose 1-2 \(1\)/, "2");
  await answer(/Choose 1-2 \(1\)/, "2", 2);
  assert.equal(await exited, 0, screen);
  assert.match(screen, /"Bad Name" is not a valid package name/);
  assert.match(screen, /Embedded: one process/);
  assert.match(screen, /A minimal hello-world/);
  assert.match(screen, /Created tty-app \(minimal, Redis\)/);
  const app = join(dir, "tty-app");
  assert.match(readFileSync(join(app, ".env.local"), "utf8"), /^REDIS_URL=redis:\/\/127\.0\.0\.1:6379$/m);
  assert.equal(existsSync(join(app, "server", "routes", "room.ts")), false);
  assert.equal(existsSync(join(app, "server", "routes", "world.ts")), true);
  assert.deepEqual(readdirSync(dir), ["tty-app"]);
});

test("installs with the package manager it was run with, and drops npm's lockfile for it", () => {
  const dir = mkdtempSync(join(work, "pm-"));
  // A stand-in pnpm that records how it was called: this test is about the choice, not pnpm.
  const fakeBin = join(dir, "bin");
  mkdirSync(fakeBin);
  const calls = join(dir, "calls.txt");
  writeFileSync(join(fakeBin, "pnpm"), `#!/bin/sh\necho "$PWD $*" >> ${calls}\n`);
  chmodSync(join(fakeBin, "pnpm"), 0o755);
  const r = run(["pnpm-app", "--yes", "--template", "minimal", "--no-git"], dir, {
    npm_config_user_agent: "pnpm/9.12.0 npm/? node/v20.11.0 linux x64",
    PATH: `${fakeBin}:${process.env.PATH}`,
  });
  assert.equal(r.status, 0, r.stderr);
  const app = join(dir, "pnpm-app");
  assert.equal(readFileSync(calls, "utf8").trim(), `${app} install`);
  assert.equal(existsSync(join(app, "package-lock.json")), false);
  assert.match(r.stdout, /Installed dependencies with pnpm/);
  assert.match(r.stdout, /^ {2}pnpm dev /m);
  // --use-pnpm picks it too, whatever ran the scaffolder.
  const flagged = run(["flag-app", "--yes", "--template", "minimal", "--no-git", "--use-pnpm"], dir, {
    PATH: `${fakeBin}:${process.env.PATH}`,
  });
  assert.equal(flagged.status, 0, flagged.stderr);
  assert.match(readFileSync(calls, "utf8"), new RegExp(`${join(dir, "flag-app")} install`));
  assert.equal(existsSync(join(dir, "flag-app", "package-lock.json")), false);
});

/**
 * Starts the app's dev server, asks for a token and connects a socket.io client with it.
 * @param {string} app
 * @param {Record<string, string>} env
 * @param {(base: string) => Promise<void>} [alsoCheck] more checks while the server runs
 */
async function devServerWelcomes(app, env = {}, alsoCheck = async () => {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dev = startServer("npm", ["run", "dev"], { cwd: app, env: { ...process.env, ...env, PORT: String(port) } });
  try {
    await pageConnects(app, base, dev);
    await alsoCheck(base);
  } finally {
    await dev.stop();
  }
}

/** Runs the packed tarball through `npm exec`, as `npx <tarball>` (and so `npm create`) does. */
const create = (/** @type {string} */ dir, /** @type {string[]} */ args) =>
  spawnSync("npm", ["exec", "--yes", `--package=${tarball}`, "--", "create-whisk-app", ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, CREATE_WHISK_PREFER_OFFLINE: "1" },
  });

const createdWell = (/** @type {ReturnType<typeof create>} */ r, /** @type {string} */ app, /** @type {string} */ name) => {
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Installed dependencies with npm/);
  assert.match(r.stdout, /Next steps/);
  assert.equal(JSON.parse(readFileSync(join(app, "package.json"), "utf8")).name, name);
  assert.match(readFileSync(join(app, ".env.local"), "utf8"), /^SESSION_SECRET=[\w-]{32,}$/m);
  assert.match(execFileSync("git", ["log", "--oneline"], { cwd: app, encoding: "utf8" }), /Initial commit/);
  assert.equal(
    execFileSync("git", ["status", "--porcelain"], { cwd: app, encoding: "utf8" }),
    "",
    "the secret and installs are not committed",
  );
};

// Its tests are the repository's own, byte for byte (the packed-template test above), and `npm test`
// runs them before this: the app is checked where it can differ, its install.
test("the chat template installs, type-checks and serves a working page", async () => {
  const dir = mkdtempSync(join(work, "chat-"));
  const r = create(dir, ["my-app", "--yes"]);
  const app = join(dir, "my-app");
  createdWell(r, app, "my-app");
  assert.ok(existsSync(join(app, "server", "routes", "room.ts")));
  execFileSync("npx", ["tsc", "--noEmit"], { cwd: app, stdio: "inherit" });
  await devServerWelcomes(app);
});

test("the minimal template in Redis mode passes its own npm test, and its dev server keeps sessions in Redis", async () => {
  const dir = mkdtempSync(join(work, "minimal-"));
  const name = `minimal-${randomBytes(3).toString("hex")}`;
  const r = create(dir, [name, "--yes", "--template", "minimal", "--redis"]);
  const app = join(dir, name);
  createdWell(r, app, name);
  assert.equal(existsSync(join(app, "server", "routes", "room.ts")), false);
  assert.equal(existsSync(join(app, "bench")), false);
  assert.match(readFileSync(join(app, "README.md"), "utf8"), /## The minimal start/);
  // Everything the app's README promises: type check, lint, unit, build, integration, browser.
  execFileSync("npm", ["test"], { cwd: app, stdio: "inherit" });

  await devServerWelcomes(app, {}, async () => {
    const { Redis } = await import(join(app, "node_modules", "ioredis", "built", "index.js"));
    const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
    try {
      const keys = await redis.keys(`${name}:*`);
      assert.ok(keys.length > 0, "the dev server read REDIS_URL from .env.local and wrote its session there");
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  });
});
