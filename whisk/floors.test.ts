/**
 * Whisk's floors, checked on every file: a value import may only go down. `core` is at the
 * bottom; the stores, the bus and the client stand on it; `server` and `next` on those; `react`
 * on the client; `testing` on everything. Type-only imports may climb (they vanish at run time).
 * Outside `whisk/`, code reaches Whisk only through the doors in whisk/package.json; inside it,
 * tests use their own fixture app (whisk/testing/fixture-app.ts), never the demo.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const WHISK = join(ROOT, "whisk");

const FLOORS: Record<string, readonly string[]> = {
  core: [],
  bus: ["core"],
  session: ["core"],
  history: ["core"],
  presence: ["core"],
  client: ["core"],
  server: ["core", "bus", "session", "history", "presence"],
  next: ["core", "session"],
  react: ["core", "client"],
  dev: [],
  testing: ["core", "bus", "session", "history", "presence", "client", "server", "next", "react"],
};

interface Import {
  specifier: string;
  typeOnly: boolean;
}

/** Every import, re-export and dynamic import in a source file, and whether it is type-only. */
function importsOf(source: string): Import[] {
  const found: Import[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+"([^"]+)"/gms;
  for (const [, , typeKeyword, clause = "", specifier = ""] of source.matchAll(statement)) {
    const names = clause.trim().startsWith("{")
      ? clause
          .replace(/[{}]/g, "")
          .split(",")
          .map((name) => name.trim())
      : [clause];
    const everyNameIsType = names.filter(Boolean).every((name) => name.startsWith("type "));
    found.push({ specifier, typeOnly: Boolean(typeKeyword) || everyNameIsType });
  }
  for (const [, specifier = ""] of source.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)) found.push({ specifier, typeOnly: false });
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ["node_modules", ".next", "dist", "create-whisk-app"].includes(entry.name) ? [] : sourceFiles(path);
    return /\.(ts|tsx|mjs)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Where a relative or `@/` import points, or undefined for a package import. */
function targetOf(file: string, specifier: string): string | undefined {
  if (specifier.startsWith("@/")) return join(ROOT, specifier.slice(2));
  return specifier.startsWith(".") ? resolve(dirname(file), specifier) : undefined;
}

/** The floor a path inside whisk/ is on (its first folder), or undefined outside whisk/. */
function floorOf(path: string): string | undefined {
  const inside = relative(WHISK, path);
  if (inside.startsWith("..")) return undefined;
  return inside.split(sep)[0];
}

function floorViolations(): string[] {
  const violations: string[] = [];
  for (const file of sourceFiles(WHISK).filter((path) => !/\.test\.tsx?$/.test(path))) {
    const floor = floorOf(file) ?? "";
    for (const { specifier, typeOnly } of importsOf(readFileSync(file, "utf8"))) {
      const where = `${relative(ROOT, file)} imports "${specifier}"`;
      if (specifier === "whisk" || specifier.startsWith("whisk/")) violations.push(`${where}: inside whisk/, import by relative path`);
      const path = targetOf(file, specifier);
      if (path === undefined || typeOnly) continue;
      const target = floorOf(path);
      if (target === undefined) violations.push(`${where}: whisk/ must not depend on the app`);
      else if (target !== floor && !FLOORS[floor]?.includes(target)) violations.push(`${where}: ${floor} may not import ${target}`);
    }
  }
  return violations;
}

/** Whisk's own tests, type-only imports included: they test the framework with its fixture app, never the demo. */
function testsOnTheApp(): string[] {
  return sourceFiles(WHISK)
    .filter((path) => /\.test\.tsx?$/.test(path))
    .flatMap((file) =>
      importsOf(readFileSync(file, "utf8"))
        .filter(({ specifier }) => {
          const path = targetOf(file, specifier);
          return path !== undefined && floorOf(path) === undefined;
        })
        .map(({ specifier }) => `${relative(ROOT, file)} imports "${specifier}": use whisk/testing/fixture-app.ts, not the app`),
    );
}

function backDoors(): string[] {
  const appFiles = sourceFiles(ROOT).filter((path) => floorOf(path) === undefined);
  return appFiles.flatMap((file) =>
    importsOf(readFileSync(file, "utf8"))
      .filter(({ specifier }) => {
        const path = targetOf(file, specifier);
        return path !== undefined && floorOf(path) !== undefined;
      })
      .map(({ specifier }) => `${relative(ROOT, file)} imports "${specifier}": use a door of whisk/package.json ("whisk/...")`),
  );
}

describe("Whisk's floors", () => {
  it("tells type-only imports from value imports", () => {
    const source = [
      'import type { A } from "./a";',
      'import { type B, type C } from "./b";',
      'import { type D, e } from "./d";',
      'export { f } from "./f";',
      'export type { G } from "./g";',
      'const h = await import("./h");',
    ].join("\n");
    expect(importsOf(source)).toEqual([
      { specifier: "./a", typeOnly: true },
      { specifier: "./b", typeOnly: true },
      { specifier: "./d", typeOnly: false },
      { specifier: "./f", typeOnly: false },
      { specifier: "./g", typeOnly: true },
      { specifier: "./h", typeOnly: false },
    ]);
  });

  it("no value import inside whisk/ goes up a floor or out to the app", () => {
    expect(floorViolations()).toEqual([]);
  });

  it("no test inside whisk/ depends on the app, not even for its types", () => {
    expect(testsOnTheApp()).toEqual([]);
  });

  it("the app, its tests and scripts import Whisk only through its package doors", () => {
    expect(backDoors()).toEqual([]);
  });
});
