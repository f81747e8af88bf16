/**
 * Preloaded into the benchmarked servers (NODE_OPTIONS=--import): measures event-loop delay the
 * same way in Whisk and in bare socket.io. On SIGUSR2 it writes the longest stall since the last
 * signal to `$BENCH_LOOP_FILE.<pid>` and starts over.
 */
import { writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
process.on("SIGUSR2", () => {
  const file = `${process.env.BENCH_LOOP_FILE}.${process.pid}`;
  writeFileSync(file, JSON.stringify({ maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6 }));
  delay.reset();
});
