// The refusals: bad names, non-empty targets, too old a Node.
import { existsSync, readdirSync } from "node:fs";

export const NAME_RULE =
  "a package name is lowercase, at most 214 characters, has no spaces, does not start with . or _, and uses only a-z 0-9 - . _ ~";

/** @param {string} name @returns {string | null} why the name is refused, or null */
export function checkName(name) {
  if (!name || name.length > 214 || !/^[a-z0-9~-][a-z0-9._~-]*$/.test(name) || /^(node_modules|favicon\.ico)$/.test(name)) {
    return `"${name}" is not a valid package name: ${NAME_RULE}`;
  }
  return null;
}

/** @param {string} dir @returns {string | null} */
export function checkTarget(dir) {
  if (existsSync(dir) && readdirSync(dir).length > 0) return `${dir} exists and is not empty; nothing was changed`;
  return null;
}

/** @param {string} v "20.9.0" or "v20.9.0" @returns {number[]} */
const parts = (v) =>
  v
    .replace(/^[^\d]*/, "")
    .split(".")
    .map((n) => Number.parseInt(n, 10) || 0);

/** @param {string} version @param {string} minimum @returns {boolean} whether version >= minimum */
export function satisfies(version, minimum) {
  const a = parts(version);
  const b = parts(minimum);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/** @param {string} engines e.g. ">=20.9.0" @param {string} version @returns {string | null} */
export function checkNode(engines, version) {
  const minimum = engines.replace(/^>=\s*/, "");
  if (!satisfies(version, minimum)) return `Node ${version} is too old: this template needs Node ${minimum} or newer`;
  return null;
}
