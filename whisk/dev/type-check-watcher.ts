import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** One pass of the type checker over the watched files: the first, or one after an edit. */
export interface TypeCheckPass {
  /** The pass at start-up, over the code the server has already loaded. */
  first: boolean;
  /**
   * When the pass began reading files (ms since the epoch): a file written after that may not be
   * the one checked, and a newer pass follows for it.
   */
  startedAt: number;
  /** How many errors tsc found. */
  errorCount: number;
  /** Each error as tsc writes it, `file(line,col): error TSxxxx: message`, with its further lines. */
  errors: string[];
}

export interface TypeCheckWatcherOptions {
  /** The project: its tsconfig.json is extended and its `typescript` is used. */
  root: string;
  /** Globs, relative to root, of the files to check (what they import is checked too). */
  include: readonly string[];
  exclude: readonly string[];
  onPass: (pass: TypeCheckPass) => void;
}

/** A parent gone (even killed) closes the pipe: then tsc, which would watch forever, exits too. */
const EXIT_WITH_PARENT = `data:text/javascript,process.stdin.on("end",()=>process.exit(0)).resume()`;

/**
 * The project's own `tsc --watch`, over part of it, in a child process: it rechecks what an edit
 * touches (incrementally, in about a second) and reports each pass's errors. The development
 * reload swaps code in only after a pass without errors, so a type error never reaches a socket.
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
      compilerOptions: { noEmit: true, incremental: false },
      include: options.include.map((glob) => join(options.root, glob)),
      exclude: options.exclude.map((glob) => join(options.root, glob)),
    }),
  );
  const tsc = createRequire(join(options.root, "package.json")).resolve("typescript/bin/tsc");
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", EXIT_WITH_PARENT, tsc, "--watch", "--preserveWatchOutput", "--pretty", "false", "-p", config],
    { cwd: options.root, stdio: ["pipe", "pipe", "inherit"] },
  );
  let errors: string[] = [];
  let first = true;
  let startedAt = Date.now();
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    const found = / - Found (\d+) errors?\./.exec(line);
    if (found) {
      // The count is the verdict: an error tsc words in a way not parsed here still blocks a reload.
      options.onPass({ first, startedAt, errorCount: Number(found[1]), errors });
      first = false;
      errors = [];
    } else if (/ - (Starting compilation|File change detected)/.test(line)) startedAt = Date.now();
    else if (/\berror TS\d+:/.test(line)) errors.push(line);
    else if (/^\s+\S/.test(line) && errors.length > 0) errors[errors.length - 1] += `\n${line}`;
  });
  return {
    close: () => {
      child.kill();
    },
  };
}
