import { WhiskError } from "../core/errors";
import type { HandlerContext } from "./definitions";
import type { ReportRefusal } from "./handshake-gate";
import type { RunHook } from "./hook-runner";
import type { WhiskHooks } from "./hooks";
import type { Logger } from "./logger";
import type { WhiskMetrics } from "./metrics";
import { SampledLog } from "./sampled-log";

/** At most this many refusal lines a second; each carries the count of the lines left out. */
const REFUSAL_LINES_PER_SECOND = 5;

/**
 * How the gateway reports what it turns away: a refused handshake (counted, logged, and passed
 * to `onAuthFailure`) and a connection cut for holding too many unsent bytes. A flood of either
 * is a few log lines a second, not a line each.
 */
export function createRefusalReports<AppContext>(options: {
  log: Logger;
  metrics: WhiskMetrics;
  hooks: WhiskHooks<AppContext>;
  runHook: RunHook;
  ctx: HandlerContext<AppContext>;
}): { refuse: ReportRefusal; outboundCut: (bytes: number) => void } {
  const { metrics, hooks, runHook, ctx } = options;
  const sampled = new SampledLog(options.log, REFUSAL_LINES_PER_SECOND);
  return {
    refuse(code, origin, address) {
      metrics.handshakeRefusals.inc({ code });
      sampled.warn({ code, origin: origin?.slice(0, 200), address }, "handshake refused");
      runHook(() => hooks.onAuthFailure?.({ error: new WhiskError(code), origin, address }, ctx));
    },
    outboundCut(bytes) {
      sampled.warn({ bytes }, "connection over its outbound byte budget cut off");
      metrics.slowClientDisconnects.inc({ topic: "", reason: "max_buffered_bytes" });
    },
  };
}
