/** Runs load-client jobs as child processes and speaks their line protocol. */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

export type Line = Record<string, unknown>;
export interface LoadResult {
  result: Record<string, number>;
  cpuMs: number;
}

/** A load-client process: its result (with its CPU time) and, meanwhile, its other lines in order. */
export class LoadProcess {
  readonly child: ChildProcess;
  readonly done: Promise<LoadResult>;
  private readonly lines: Line[] = [];
  /** Whoever awaits `next`; several may wait at once, for different keys. */
  private readonly waiters = new Set<() => void>();

  constructor(job: Record<string, unknown>) {
    this.child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "load-client.ts"), JSON.stringify(job)], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    let buffer = "";
    this.done = new Promise((resolve, reject) => {
      this.child.stdout?.on("data", (chunk) => {
        buffer += chunk;
        for (let newline = buffer.indexOf("\n"); newline >= 0; newline = buffer.indexOf("\n")) {
          const line = JSON.parse(buffer.slice(0, newline)) as Line;
          buffer = buffer.slice(newline + 1);
          if ("result" in line) resolve(line as unknown as LoadResult);
          else {
            this.lines.push(line);
            for (const wake of this.waiters) wake();
          }
        }
      });
      this.child.once(
        "exit",
        (code, signal) => code !== 0 && reject(new Error(`load client (${String(job.kind)}) exited with ${code ?? signal}`)),
      );
    });
  }

  /** The next line that has `key`, taken out of the queue. */
  async next(key: string): Promise<Line> {
    for (;;) {
      const index = this.lines.findIndex((line) => key in line);
      if (index >= 0) return this.lines.splice(index, 1)[0] as Line;
      let wake = () => {};
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
        this.waiters.add(resolve);
      });
      await Promise.race([woken, this.done]);
      this.waiters.delete(wake);
    }
  }

  send(command: Record<string, unknown>) {
    this.child.stdin?.write(`${JSON.stringify(command)}\n`);
  }
}

/** Runs one job to its end. */
export const runLoad = (job: Record<string, unknown>) => new LoadProcess(job).done;
