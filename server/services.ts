/**
 * Your app's own models and services, handed to every route, observer, worker and hook as
 * `ctx.services` (the original Whisk's `Whisk.context`). Edit this file: add your database client,
 * repositories, mailers... Keep it free of per-request state.
 */
import type { HistoryStore } from "whisk/history";

export interface AppServices {
  /** The clock, here so tests can pin time. */
  now: () => number;
  /** Each room's recent messages (memory in the embedded mode, Redis Streams when scaled). */
  history: HistoryStore;
}

export function createServices(stores: { history: HistoryStore }): AppServices {
  return { now: Date.now, history: stores.history };
}
