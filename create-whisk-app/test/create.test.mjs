// Packs the tarball and runs it as a user would: drift check, refusals, and each template end to end.
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { templateFiles } from "../src/template-files.mjs";

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = join(pkgDir, "..");
const work = mkdtempSync(join(tmpdir(), "create-whisk-app-"));
let bin = "";

before(() => {
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: pkgDir, encoding: "utf8" });
  const tarball = join(work, JSON.parse(out.slice(out.indexOf("[")))[0].filename);
  execFileSync("tar", ["xzf", tarball, "-C", work]);
  bin = join(work, "package", "bin", "create-whisk-app.mjs");
});
after(() => rmSync(work, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }));

/** @param {string[]} args @param {string} cwd @param {Record<string, string>} [env] */
const run = (args, cwd, env = {}) =>
  spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_user_agent: "npm/11.0.0 node/v20 linux x64", CREATE_WHISK_PREFER_OFFLINE: "1", ...env },
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

test("refusals give their message and change nothing", () => {
  const dir = mkdtempSync(join(work, "refuse-"));
  mkdirSync(join(dir, "taken"));
  writeFileSync(join(dir, "taken", "keep.txt"), "mine");
  const cases = [
    [["taken", "--yes", "--no-install"], {}, /exists and is not empty/],
    [["Bad Name", "--yes", "--no-install"], {}, /not a valid package name: a package name is lowercase/],
    [
      ["new-app", "--yes", "--no-install"],
      { CREATE_WHISK_NODE_VERSION: "18.19.0" },
      /Node 18\.19\.0 is too old: this template needs Node 20\.9\.0/,
    ],
  ];
  for (const [args, env, message] of cases) {
    const r = run(/** @type {string[]} */ (args), dir, /** @type {Record<string,string>} */ (env));
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /** @type {RegExp} */ (message));
    assert.deepEqual(readdirSync(dir).sort(), ["taken"]);
    assert.deepEqual(readdirSync(join(dir, "taken")), ["keep.txt"]);
  }
});

/** @returns {Promise<number>} */
const freePort = () =>
  new Promise((ok) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (s.address());
      s.close(() => ok(port));
    });
  });

for (const template of ["chat", "minimal"]) {
  test(`the ${template} template installs, type-checks, passes its unit tests and serves a working page`, async () => {
    const dir = mkdtempSync(join(work, `${template}-`));
    const r = run(["my-app", "--yes", "--template", template], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Next steps/);
    const app = join(dir, "my-app");
    assert.equal(JSON.parse(readFileSync(join(app, "package.json"), "utf8")).name, "my-app");
    assert.match(readFileSync(join(app, ".env.local"), "utf8"), /^SESSION_SECRET=[\w-]{32,}$/m);
    assert.match(execFileSync("git", ["log", "--oneline"], { cwd: app, encoding: "utf8" }), /Initial commit/);
    execFileSync("npx", ["tsc", "--noEmit"], { cwd: app, stdio: "inherit" });
    execFileSync("npx", ["vitest", "run", "--project", "unit"], { cwd: app, stdio: "inherit" });

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const dev = spawn("npm", ["run", "dev"], { cwd: app, env: { ...process.env, PORT: String(port) }, stdio: "ignore", detached: true });
    try {
      let page;
      for (let i = 0; i < 240 && !page?.ok; i++) {
        page = await fetch(`${base}/`).catch(() => undefined);
        if (!page?.ok) await new Promise((ok) => setTimeout(ok, 500));
      }
      assert.equal(page?.status, 200);
      const res = await fetch(`${base}/api/ws-token`, { method: "POST", headers: { origin: base } });
      assert.equal(res.status, 200);
      const { token } = await res.json();
      const cookie = (res.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).join("; ");
      const { io } = await import(join(app, "node_modules", "socket.io-client", "build", "esm", "index.js"));
      const socket = io(base, {
        path: "/whisk",
        auth: { token },
        extraHeaders: { origin: base, cookie },
        reconnection: false,
        forceNew: true,
      });
      const welcome = await new Promise((ok, fail) => {
        socket.once("whisk.welcome", ok);
        socket.once("connect_error", fail);
      });
      socket.close();
      assert.ok(welcome);
    } finally {
      const exited = new Promise((ok) => dev.once("exit", ok));
      if (dev.pid) process.kill(-dev.pid, "SIGTERM");
      await exited;
    }
  });
}
