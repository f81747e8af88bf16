import { createRequire, register } from "node:module";
import { join, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

let registeredFolder: string | undefined;

/**
 * Loads the given modules in a worker thread with tsx, and reports whether they loaded. Why:
 * React's development build (which Next loads with the first page) watches promises through
 * async_hooks, and with it a module that throws as it loads ends the whole process instead of
 * rejecting its import(). A new copy that throws in the worker is reported and never loaded here.
 */
const TRY_IN_A_THREAD = `const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  (await import(workerData.tsx)).register();
  for (const url of workerData.urls) await import(url);
})().then(
  () => parentPort.postMessage({ ok: true }),
  (error) => parentPort.postMessage({ ok: false, message: (error && error.stack) || String(error) }),
);`;

/**
 * Imports a folder's modules again, afresh, for a development reload. Node keeps every ES module
 * it has loaded, under its URL; so each reload imports its entries as `file.ts?whisk-reload=N`,
 * and the hooks in reload-hooks.mjs give the same mark to every file under the folder those
 * import: one new copy of the app's server code per reload, sharing the one copy of everything
 * else (Whisk itself, so `instanceof WhiskError` still holds; packages; module-level clients).
 * Node cannot unload the old copies: each reload keeps its modules in memory, in development only.
 */
export class FreshImporter {
  private generation = 0;
  private readonly tsxApi: string;

  constructor(private readonly folder: string) {
    if (registeredFolder !== undefined && registeredFolder !== folder) {
      throw new Error(`FreshImporter already reloads ${registeredFolder}; one folder per process.`);
    }
    if (registeredFolder === undefined) {
      const folderUrl = pathToFileURL(folder.endsWith(sep) ? folder : folder + sep).href;
      register(new URL("./reload-hooks.mjs", import.meta.url), { data: { folder: folderUrl } });
      registeredFolder = folder;
    }
    this.tsxApi = pathToFileURL(createRequire(join(folder, "package.json")).resolve("tsx/esm/api")).href;
  }

  /**
   * Imports each file (a path relative to the folder) in one new generation: they share their
   * imports. Rejects, having loaded nothing here, when one of them throws as it loads.
   */
  async importAfresh<Modules extends unknown[]>(...files: { [Index in keyof Modules]: string }): Promise<Modules> {
    const paths = files.map((file) => join(this.folder, file));
    await this.loadInAThread(paths.map((path) => pathToFileURL(path).href));
    this.generation += 1;
    const urls = paths.map((path) => `${pathToFileURL(path).href}?whisk-reload=${this.generation}`);
    return (await Promise.all(urls.map((url) => import(url)))) as Modules;
  }

  private async loadInAThread(urls: string[]): Promise<void> {
    const worker = new Worker(TRY_IN_A_THREAD, { eval: true, workerData: { tsx: this.tsxApi, urls } });
    try {
      const outcome = await new Promise<{ ok: boolean; message?: string }>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      if (!outcome.ok) throw new Error(outcome.message);
    } finally {
      await worker.terminate();
    }
  }
}
