/**
 * Preloaded into the benchmarked servers (NODE_OPTIONS=--import): measures event-loop delay the
 * same way in Whisk and in bare socket.io. On SIGUSR2 it writes the longest stall since the last
 * signal, and the memory in use after full, compacting garbage collections, to `$BENCH_LOOP_FILE.<pid>`,
 * and starts over.
 *
 * With `BENCH_HEAP_SNAPSHOT=<folder>`, each reading also writes a heap snapshot there.
 * With `BENCH_CPU_PROF=<folder>` it also records a V8 CPU profile of the process and writes it
 * there at exit (`--cpu-prof` itself is not allowed in NODE_OPTIONS). Open it in Chrome DevTools.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { join } from "node:path";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { setFlagsFromString, writeHeapSnapshot } from "node:v8";
import { runInNewContext } from "node:vm";

// A garbage collection on demand, so memory is read without the garbage of earlier work.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc");

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
// Garbage-collection pauses stall the loop too; the longest one tells them apart from our code.
let longestGcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) longestGcMs = Math.max(longestGcMs, entry.duration);
}).observe({ entryTypes: ["gc"] });
/** A full collection that also compacts the heap, so a reading counts live objects and the heap they need. */
function collectAll() {
  setFlagsFromString("--compact-on-every-full-gc");
  collectGarbage();
  setFlagsFromString("--no-compact-on-every-full-gc");
}

process.on("SIGUSR2", () => {
  const stall = { maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6, longestGcMs };
  collectAll();
  // FinalizationRegistry callbacks (undici's abort listeners of finished requests) run in a later
  // task after a collection: collect again once they have.
  setTimeout(() => {
    collectAll();
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    if (process.env.BENCH_HEAP_SNAPSHOT)
      writeHeapSnapshot(join(process.env.BENCH_HEAP_SNAPSHOT, `server-${process.pid}-${Date.now()}.heapsnapshot`));
    writeFileSync(`${process.env.BENCH_LOOP_FILE}.${process.pid}`, JSON.stringify({ ...stall, rss, heapUsed, heapTotal, external }));
    delay.reset();
    longestGcMs = 0;
  }, 100);
});

const profileFolder = process.env.BENCH_CPU_PROF;
if (profileFolder) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.start");
  // The main-thread inspector answers synchronously, so this works inside an exit handler.
  process.on("exit", () => {
    session.post("Profiler.stop", (error, result) => {
      if (!error) writeFileSync(join(profileFolder, `server-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
