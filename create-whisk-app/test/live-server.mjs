// For the tests that run a made app: a free port, a server in its own process group (stopping it
// stops whatever its package manager started), and the check that the page answers and a
// socket.io client with a fresh token gets the gateway's welcome.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";

/** @returns {Promise<number>} */
export const freePort = () =>
  new Promise((ok) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (s.address());
      s.close(() => ok(port));
    });
  });

/**
 * Starts `command args` detached, collecting its output.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv }} options
 */
export function startServer(command, args, { cwd, env }) {
  let output = "";
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const collect = (/** @type {Buffer} */ chunk) => {
    output += chunk;
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise((ok) => child.once("close", ok));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    output: () => output,
    running,
    /** SIGTERM to the whole group, SIGKILL if it is still there after 10 s. */
    async stop() {
      const signalGroup = (/** @type {NodeJS.Signals} */ signal) => {
        try {
          if (child.pid) process.kill(-child.pid, signal);
        } catch {
          // The group is gone already.
        }
      };
      signalGroup("SIGTERM");
      const killLater = setTimeout(() => signalGroup("SIGKILL"), 10_000);
      await exited;
      clearTimeout(killLater);
    },
  };
}

/**
 * Waits for the page at `base` to answer 200, asks for a ws token as the page would (same
 * origin), and connects a socket.io client with it, loaded from the app's node_modules.
 * @param {string} app the app's folder
 * @param {string} base e.g. http://127.0.0.1:3000
 * @param {ReturnType<typeof startServer>} server
 * @param {number} [waitSeconds] how long the first page may take (a dev server compiles it)
 */
export async function pageConnects(app, base, server, waitSeconds = 120) {
  /** @type {Response | undefined} */
  let page;
  for (const deadline = Date.now() + waitSeconds * 1000; !page?.ok && server.running() && Date.now() < deadline; ) {
    page = await fetch(`${base}/`).catch(() => undefined);
    if (!page?.ok) await new Promise((ok) => setTimeout(ok, 500));
  }
  assert.equal(page?.status, 200, `${server.running() ? "no page" : "the server exited"}:\n${server.output()}`);
  assert.match(await page.text(), /Hello, world|Whisk Chat/);

  const res = await fetch(`${base}/api/ws-token`, { method: "POST", headers: { origin: base } });
  assert.equal(res.status, 200, server.output());
  const { token } = await res.json();
  const cookie = (res.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).join("; ");
  const { io } = await import(join(app, "node_modules", "socket.io-client", "build", "esm", "index.js"));
  const socket = io(base, { path: "/whisk", auth: { token }, extraHeaders: { origin: base, cookie }, reconnection: false, forceNew: true });
  try {
    const welcome = await new Promise((ok, fail) => {
      const tooLong = setTimeout(() => fail(new Error(`no whisk.welcome within 20 s:\n${server.output()}`)), 20_000);
      socket.once("whisk.welcome", (/** @type {unknown} */ message) => {
        clearTimeout(tooLong);
        ok(message);
      });
      socket.once("connect_error", (/** @type {Error} */ error) => {
        clearTimeout(tooLong);
        fail(new Error(`the socket did not connect (${error.message}):\n${server.output()}`));
      });
    });
    assert.match(JSON.stringify(welcome), /"user"/);
  } finally {
    socket.close();
  }
}
