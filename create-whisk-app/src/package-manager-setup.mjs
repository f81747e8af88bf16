// What a new app needs, beyond the template's files, to install and run with yarn as it does with
// npm, pnpm and bun (pnpm's settings are in the template's pnpm-workspace.yaml; bun reads npm's
// "overrides"). Checked by test/package-managers.test.mjs with the real tools.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * @param {string} target the new app's folder
 * @param {{ overrides?: Record<string, unknown>, resolutions?: Record<string, string> }} pkg the new app's package.json, edited in place
 * @param {"npm" | "pnpm" | "yarn" | "bun"} pm
 */
export function setUpForPackageManager(target, pkg, pm) {
  if (pm === "yarn") setUpForYarn(target, pkg);
}

/**
 * yarn knows npm's "overrides" as "resolutions"; yarn 2 and later (yarn 1 ignores .yarnrc.yml)
 * would install for Plug'n'Play, which `node dist/server.mjs` cannot load packages from.
 * @param {string} target
 * @param {{ overrides?: Record<string, unknown>, resolutions?: Record<string, string> }} pkg
 */
function setUpForYarn(target, pkg) {
  const overrides = Object.entries(pkg.overrides ?? {});
  const nested = overrides.find(([, version]) => typeof version !== "string");
  if (nested) {
    throw new Error(
      `yarn's resolutions take versions, and overrides.${nested[0]} is not one: update create-whisk-app/src/package-manager-setup.mjs`,
    );
  }
  if (overrides.length > 0) pkg.resolutions = { ...Object.fromEntries(/** @type {[string, string][]} */ (overrides)), ...pkg.resolutions };
  writeFileSync(join(target, ".yarnrc.yml"), "nodeLinker: node-modules\n");
}
