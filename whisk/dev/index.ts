/**
 * Development tools: what `npm run dev` uses to reload server code in place. Not for production
 * (the compiled server never loads them).
 */
export { FreshImporter } from "./fresh-import";
export { type TypeCheckPass, type TypeCheckWatcherOptions, watchTypeChecks } from "./type-check-watcher";
