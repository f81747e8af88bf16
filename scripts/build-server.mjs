/**
 * Compiles the custom server (server/main.ts and what it imports from whisk/ and server/) into
 * one ES module, dist/server.mjs, for production: `npm run build` runs it after `next build`,
 * `npm start` runs its output. Packages stay imports from node_modules, except the `whisk`
 * workspace package: it is TypeScript source, so it is compiled in.
 *
 * Why not tsx in production: tsx compiles with esbuild's keepNames, which redefines `name` on
 * every function it creates; each per-connection closure then carries its own property store
 * (about 3 KB more per socket, measured with `npm run bench`), and startup compiles everything
 * again. `npm run dev` still uses tsx, for quick restarts.
 */
import { build } from "esbuild";

/**
 * Every package import is left to node_modules at run time, but `whisk/...`, which is compiled
 * in; `@/...` is the app's own code (tsconfig.json's paths), which esbuild resolves and compiles.
 */
const compiledIn = (path) => path === "whisk" || path.startsWith("whisk/") || path.startsWith("@/");
const bundleOnlyWhisk = {
  name: "bundle-only-whisk",
  setup(esbuild) {
    esbuild.onResolve({ filter: /^[^./]/ }, ({ path }) => (compiledIn(path) ? undefined : { path, external: true }));
  },
};

await build({
  entryPoints: ["server/main.ts"],
  outfile: "dist/server.mjs",
  bundle: true,
  plugins: [bundleOnlyWhisk],
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
});
