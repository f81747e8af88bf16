import type { Bus } from "../bus/bus";
import type { StopConsuming } from "../bus/transport";
import type { Envelope } from "../core/envelope";
import { toErrorPayload, toWhiskError, WhiskError } from "../core/errors";
import { failed, ok } from "../core/result";
import type { HandlerContext } from "./definitions";
import type { AnyWorkerGroup } from "./groups";
import type { WhiskMetrics } from "./metrics";
import { toPayloadIssues } from "./payload-issues";
import { inSpan } from "./spans";

/**
 * Consumes every queue of the app's worker groups on this process. Each job runs once on one
 * worker; a job whose payload does not match the schema is logged and dropped, never retried.
 * Each job is timed and counted in `metrics`, and runs in a span of the trace that sent it when
 * the bus carries traces.
 *
 * The returned stop takes no new job, lets the jobs in hand finish and be acknowledged, and
 * resolves after that: await it before closing the bus, or those jobs run again elsewhere.
 */
export function startWorkers<AppContext>(
  bus: Bus,
  groups: readonly AnyWorkerGroup[],
  ctx: HandlerContext<AppContext>,
  metrics?: WhiskMetrics,
): StopConsuming {
  const log = ctx.log.child({ component: "worker" });
  const stops: StopConsuming[] = [];
  for (const group of groups) {
    for (const [key, worker] of Object.entries(group.workers)) {
      const queueName = `${group.name}.${key}`;
      /** Throws what the handler threw (the job is set aside), or a BAD_PAYLOAD marked `dropped`. */
      const runJob = async (envelope: Envelope) => {
        const parsed = worker.schema.safeParse(envelope.payload);
        if (!parsed.success) {
          log.warn({ queue: queueName, envelopeId: envelope.id }, "job does not match its worker's schema; dropped");
          const error = new WhiskError("BAD_PAYLOAD", `The job for "${queueName}" does not match its schema.`, {
            issues: toPayloadIssues(parsed.error),
          });
          if (envelope.replyTo) await bus.reply(envelope.replyTo, failed(toErrorPayload(error)));
          throw Object.assign(error, { dropped: true });
        }
        try {
          const result = await worker.handler(parsed.data, ctx);
          if (envelope.replyTo) await bus.reply(envelope.replyTo, ok(result ?? null));
        } catch (error) {
          log.error({ err: error, queue: queueName, envelopeId: envelope.id }, "worker threw");
          if (envelope.replyTo) await bus.reply(envelope.replyTo, failed(toErrorPayload(error)));
          throw error;
        }
      };
      stops.push(
        bus.onQueue(queueName, async (envelope) => {
          const startedAt = performance.now();
          metrics?.queueLag.observe({ queue: queueName }, Math.max(0, Date.now() - envelope.sentAt) / 1000);
          const run = () => runJob(envelope);
          let code = "ok";
          try {
            await (bus.tracing
              ? inSpan("job", queueName, { traceParent: envelope.trace, attributes: { "whisk.queue": queueName } }, run)
              : run());
          } catch (error) {
            code = toWhiskError(error).code;
            metrics?.errors.inc({ source: "job", code });
            // A job that does not match its schema is dropped here, never set aside to fail again.
            if (!(error instanceof WhiskError && "dropped" in error)) throw error;
          } finally {
            metrics?.jobDuration.observe({ queue: queueName, code }, (performance.now() - startedAt) / 1000);
          }
        }),
      );
    }
  }
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
}
