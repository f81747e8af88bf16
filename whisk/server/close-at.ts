/** Node's timers hold at most 2^31-1 ms (24.8 days); a longer delay fires at once instead. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs `close` at the time `at` (ms since the epoch), however far away: a session may last longer
 * than one timer can wait, so the wait is chained in steps. Never runs `close` synchronously, and
 * the timer does not keep the process up.
 */
export function closeAt(at: number, close: () => void, now: () => number = Date.now): { cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  // A time that is not a number (a record without its expiry) counts as passed: close.
  const passed = () => !(at - now() > 0);
  const schedule = () => {
    const left = passed() ? 0 : at - now();
    timer = setTimeout(() => (passed() ? close() : schedule()), Math.min(left, LONGEST_TIMER_MS));
    timer.unref();
  };
  schedule();
  return {
    cancel() {
      clearTimeout(timer);
    },
  };
}
