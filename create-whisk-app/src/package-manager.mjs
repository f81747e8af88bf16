// Which package manager ran us (npm_config_user_agent), so the app is installed with the same one.
/** @param {string | undefined} ua @returns {"npm" | "pnpm" | "yarn" | "bun"} */
export function detectPackageManager(ua = process.env.npm_config_user_agent) {
  const name = (ua ?? "").split("/")[0];
  return name === "pnpm" || name === "yarn" || name === "bun" ? name : "npm";
}
