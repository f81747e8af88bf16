import type { Logger } from "./logger";

/** Runs a lifecycle hook without waiting on it: one that throws or rejects is logged, never rethrown. */
export type RunHook = (hook: () => void | Promise<void> | undefined) => void;

export function createHookRunner(log: Logger): RunHook {
  return (hook) => {
    Promise.resolve()
      .then(hook)
      .catch((error) => log.error({ err: error }, "a lifecycle hook threw"));
  };
}
