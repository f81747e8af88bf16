/** A clock a test moves by hand, for stores and timers that take a `now` function. */
export function manualClock(start = 1_000_000) {
  let time = start;
  return {
    now: () => time,
    advance(ms: number) {
      time += ms;
    },
  };
}
