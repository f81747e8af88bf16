/**
 * Your app's own models and services, handed to every route, observer, worker and hook as
 * `ctx.app` (the original Whisk's `Whisk.context`). Edit this file: add your database client,
 * repositories, mailers... Keep it free of per-request state.
 */
export interface AppContext {
  /** The clock, here so tests can pin time. */
  now: () => number;
}

export function createAppContext(): AppContext {
  return { now: Date.now };
}
