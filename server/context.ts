/**
 * Your app's own models and services, handed to every route, observer, worker and hook as
 * `ctx.app` (the original Whisk's `Whisk.context`). Edit this file: add your database client,
 * repositories, mailers... Keep it free of per-request state.
 */
import type { HistoryStore } from "whisk/history";

export interface AppContext {
  /** The clock, here so tests can pin time. */
  now: () => number;
  /** Each room's recent messages (memory in the embedded mode, Redis Streams when scaled). */
  history: HistoryStore;
}

export function createAppContext(services: { history: HistoryStore }): AppContext {
  return { now: Date.now, history: services.history };
}
