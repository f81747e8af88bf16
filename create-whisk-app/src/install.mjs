// Installs the new app's dependencies with the package manager the user ran us with, showing
// progress: a spinner, the time taken and the package manager's last line in a terminal, a line
// every 10 s elsewhere (CI logs).
import { spawn } from "node:child_process";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** @param {"npm" | "pnpm" | "yarn" | "bun"} pm */
export function installArgs(pm) {
  if (pm !== "npm") return ["install"];
  return ["install", "--no-audit", "--no-fund", ...(process.env.CREATE_WHISK_PREFER_OFFLINE ? ["--prefer-offline"] : [])];
}

/**
 * @param {"npm" | "pnpm" | "yarn" | "bun"} pm
 * @param {string} cwd
 * @param {NodeJS.WriteStream} out
 * @returns {Promise<void>}
 */
export function install(pm, cwd, out = process.stdout) {
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  let lastLine = "";
  let frame = 0;
  const width = Math.max(20, (out.columns ?? 80) - 1);
  const show = out.isTTY
    ? setInterval(() => {
        const line = `${FRAMES[frame++ % FRAMES.length]} Installing dependencies with ${pm} (${seconds()} s) ${lastLine}`;
        out.write(`\r\x1b[2K${line.slice(0, width)}`);
      }, 80)
    : setInterval(() => out.write(`  still installing (${seconds()} s)\n`), 10_000);
  if (!out.isTTY) out.write(`Installing dependencies with ${pm}…\n`);

  return new Promise((resolve, reject) => {
    // yarn 2 and later, in CI, refuse to write a lockfile; this install writes the app's first.
    const env = pm === "yarn" ? { ...process.env, YARN_ENABLE_IMMUTABLE_INSTALLS: "false" } : process.env;
    const child = spawn(pm, installArgs(pm), { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let errors = "";
    const remember = (/** @type {Buffer} */ chunk) => {
      const lines = chunk
        .toString()
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean);
      lastLine = lines.at(-1) ?? lastLine;
    };
    child.stdout.on("data", remember);
    child.stderr.on("data", (chunk) => {
      errors += chunk;
      remember(chunk);
    });
    child.on("error", (error) => {
      clearInterval(show);
      reject(new Error(`could not run ${pm} install (${error.message}); run it yourself in ${cwd}`));
    });
    child.on("exit", (code) => {
      clearInterval(show);
      if (out.isTTY) out.write("\r\x1b[2K");
      if (code === 0) {
        out.write(`Installed dependencies with ${pm} in ${seconds()} s\n`);
        resolve();
      } else
        reject(new Error(`${pm} install failed (exit ${code}); the app is created, run ${pm} install in ${cwd}:\n${errors.slice(-2000)}`));
    });
  });
}
