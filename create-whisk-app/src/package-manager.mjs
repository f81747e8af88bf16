// Which package manager ran us (npm_config_user_agent), so the app is installed with the same one.
/** @param {string | undefined} ua @returns {"npm" | "pnpm" | "yarn" | "bun"} */
export function detectPackageManager(ua = process.env.npm_config_user_agent) {
  const name = (ua ?? "").split("/")[0];
  return name === "pnpm" || name === "yarn" || name === "bun" ? name : "npm";
}

/** The package managers a new app can be installed with. */
export const PACKAGE_MANAGERS = /** @type {const} */ (["npm", "pnpm", "yarn", "bun"]);

/**
 * The package manager to use: the one a `--use-<name>` flag names (at most one), else the one
 * that ran us, as create-next-app does.
 * @param {Record<string, unknown>} flags parsed options, e.g. { "use-pnpm": true }
 * @param {string | undefined} ua
 * @returns {"npm" | "pnpm" | "yarn" | "bun"}
 */
export function choosePackageManager(flags, ua = process.env.npm_config_user_agent) {
  const chosen = PACKAGE_MANAGERS.filter((name) => flags[`use-${name}`]);
  if (chosen.length > 1) throw new Error(`choose one package manager, not ${chosen.map((name) => `--use-${name}`).join(" and ")}`);
  return chosen[0] ?? detectPackageManager(ua);
}
