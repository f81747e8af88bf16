/**
 * Every route, observer and worker group of this app. Add a group here when you add a file under
 * routes/, observers/ or workers/ (a test fails if you forget). The client's types come from
 * `WhiskApp`, by type-only import: no code generation.
 */
import { defineWhiskApp } from "whisk/server";
import { worldObservers } from "./observers/world";
import { worldRoutes } from "./routes/world";

export const app = defineWhiskApp({
  routes: [worldRoutes],
  observers: [worldObservers],
  workers: [],
});

export type WhiskApp = typeof app;
