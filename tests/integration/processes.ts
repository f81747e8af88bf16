import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

/** Runs a TypeScript fixture as its own process; resolves once it prints `waitFor` (if given). */
export function runFixture(file: string, env: Record<string, string>, waitFor?: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "fixtures", file)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    child.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    child.stdout?.on("data", (chunk) => {
      output += chunk;
      if (waitFor && output.includes(waitFor)) resolve(child);
    });
    child.once("exit", (code) => {
      if (!waitFor && code === 0) resolve(child);
      else reject(new Error(`${file} exited with code ${code}:\n${output}`));
    });
  });
}

/** Resolves with the exit code once the process has exited. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}
