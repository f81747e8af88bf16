/**
 * `npm run dev` applies edits under server/ in place: no restart of Next.js, no dropped socket,
 * no ended session. After each edit under server/ the project's tsc checks it; after a check without errors,
 * app.ts, hooks.ts and services.ts are imported afresh (with everything under server/ they import)
 * and handed to the running Whisk; the next event runs them. A pass with errors, or code that
 * fails to load, changes nothing: the errors are logged and the last good version keeps serving.
 *
 * Only server/ reloads: main.ts itself (restart for it), whisk/ and packages load once. Whatever
 * createServices opens is opened again on each reload: keep long-lived clients (a database pool)
 * in a module outside server/, which loads once.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FreshImporter, type TypeCheckPass, watchTypeChecks } from "whisk/dev";
import type { HistoryStore } from "whisk/history";
import type { Logger, Whisk } from "whisk/host";
import type { AppServices } from "./services";

const SERVER_DIR = fileURLToPath(new URL(".", import.meta.url));
const ROOT = join(SERVER_DIR, "..");

type Reloaded = [typeof import("./app"), typeof import("./hooks"), typeof import("./services")];

export function reloadServerCodeInPlace(options: { whisk: Whisk<AppServices>; stores: { history: HistoryStore }; log: Logger }): {
  close(): void;
} {
  const log = options.log.child({ component: "dev-reload" });
  const importer = new FreshImporter(SERVER_DIR);
  let reloads = Promise.resolve();

  /** Swaps in the code a pass checked, unless a file changed since: the next pass is for that. */
  async function reload(checkedFrom: number): Promise<void> {
    const started = performance.now();
    if (editedSince(SERVER_DIR, checkedFrom).length > 0) return;
    const [{ app }, { hooks }, { createServices }] = await importer.importAfresh<Reloaded>("app.ts", "hooks.ts", "services.ts");
    if (editedSince(SERVER_DIR, checkedFrom).length > 0) return;
    await options.whisk.replaceCode({ app, hooks, services: createServices(options.stores) });
    log.info({ ms: Math.round(performance.now() - started) }, "server code reloaded: the next event runs it");
  }

  function onPass({ startedAt, errorCount, errors }: TypeCheckPass): void {
    if (errorCount > 0) {
      log.error(`server code has ${errorCount} type error(s); the last good version keeps serving:\n${errors.join("\n")}`);
      return;
    }
    reloads = reloads
      .then(() => reload(startedAt))
      .catch((error: unknown) => {
        log.error(
          `server code not reloaded; the last good version keeps serving:\n${error instanceof Error ? error.message : String(error)}`,
        );
      });
  }

  return watchTypeChecks({
    root: ROOT,
    folder: SERVER_DIR,
    // Files saved while the server started are not in what it loaded.
    checkAtStart: editedSince(SERVER_DIR, performance.timeOrigin).length > 0,
    include: ["server/**/*.ts"],
    exclude: ["server/**/*.test.ts", "server/main.ts"],
    onPass,
  });
}

/** The files under `dir` written after `time` (ms since the epoch). */
function editedSince(dir: string, time: number): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((file) => join(dir, file))
    .filter((path) => statSync(path).mtimeMs > time);
}
