import { type ChildProcess, spawn } from "node:child_process";
import { type FSWatcher, mkdirSync, watch, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

/** One type check of the watched files, after an edit. */
export interface TypeCheckPass {
  /**
   * When the check began reading files (ms since the epoch): a file written after that may not
   * be the one checked, and another check follows for it.
   */
  startedAt: number;
  /** How many errors tsc found (at least 1 when it failed without a parsable error line). */
  errorCount: number;
  /** Each error as tsc writes it, `file(line,col): error TSxxxx: message`, with its further lines. */
  errors: string[];
}

export interface TypeCheckWatcherOptions {
  /** The project: its tsconfig.json is extended and its `typescript` is used. */
  root: string;
  /** The folder whose edits start a check. */
  folder: string;
  /** Globs, relative to root, of the files to check (what they import is checked too). */
  include: readonly string[];
  exclude: readonly string[];
  /** Check once at start too (files were edited while the server started). */
  checkAtStart: boolean;
  onPass: (pass: TypeCheckPass) => void;
}

/** A parent gone (even killed) closes the pipe: then tsc exits too. */
const EXIT_WITH_PARENT = `data:text/javascript,process.stdin.on("end",()=>process.exit(0)).resume()`;

/**
 * Type-checks part of the project after each edit to `folder`: the project's own tsc, run once
 * per burst of edits (incremental, so a recheck takes a second or two), one run at a time, with
 * another after it when files changed meanwhile. The development reload swaps code in only after
 * a check without errors, so a type error never reaches a socket. (Not `tsc --watch`: it misses
 * edits made while its first pass reads files, and a touch does not wake it.)
 */
export function watchTypeChecks(options: TypeCheckWatcherOptions): { close(): void } {
  // Inside the project, so type libraries (`types: ["node"]`) resolve from it as for its own tsconfig.
  const cacheDir = join(options.root, "node_modules", ".cache", "whisk");
  mkdirSync(cacheDir, { recursive: true });
  const config = join(cacheDir, "tsconfig.reload.json");
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(options.root, "tsconfig.json"),
      compilerOptions: { noEmit: true, incremental: true, tsBuildInfoFile: join(cacheDir, "reload.tsbuildinfo") },
      include: options.include.map((glob) => join(options.root, glob)),
      exclude: options.exclude.map((glob) => join(options.root, glob)),
    }),
  );
  const tsc = createRequire(join(options.root, "package.json")).resolve("typescript/bin/tsc");
  let running: ChildProcess | undefined;
  let again = false;
  let closed = false;

  function check(): void {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    const startedAt = Date.now();
    const child = spawn(process.execPath, ["--import", EXIT_WITH_PARENT, tsc, "--pretty", "false", "-p", config], {
      cwd: options.root,
      stdio: ["pipe", "pipe", "pipe"],
    });
    running = child;
    let output = "";
    child.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    child.once("close", (code) => {
      running = undefined;
      if (closed) return;
      const errors = errorsIn(output);
      const errorCount = code === 0 ? 0 : Math.max(1, errors.length);
      options.onPass({ startedAt, errorCount, errors: errors.length > 0 || code === 0 ? errors : [output.trim()] });
      if (again) {
        again = false;
        check();
      }
    });
  }

  let burst: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(options.folder, { recursive: true }, () => {
    clearTimeout(burst);
    burst = setTimeout(check, 150);
  });
  if (options.checkAtStart) check();
  return {
    close: () => {
      closed = true;
      clearTimeout(burst);
      watcher.close();
      running?.kill();
    },
  };
}

/** tsc's error lines (`--pretty false`), each with the indented lines that continue it. */
function errorsIn(output: string): string[] {
  const errors: string[] = [];
  for (const line of output.split("\n")) {
    if (/\berror TS\d+:/.test(line)) errors.push(line);
    else if (/^\s+\S/.test(line) && errors.length > 0) errors[errors.length - 1] += `\n${line}`;
  }
  return errors;
}
