import type { Bus } from "../bus/bus";
import type { StopConsuming } from "../bus/transport";
import { toErrorPayload, WhiskError } from "../core/errors";
import { failed, ok } from "../core/result";
import type { HandlerContext } from "./definitions";
import type { AnyWorkerGroup } from "./groups";
import { toPayloadIssues } from "./payload-issues";

/**
 * Consumes every queue of the app's worker groups on this process. Each job runs once on one
 * worker; a job whose payload does not match the schema is logged and dropped, never retried.
 *
 * The returned stop takes no new job, lets the jobs in hand finish and be acknowledged, and
 * resolves after that: await it before closing the bus, or those jobs run again elsewhere.
 */
export function startWorkers<AppContext>(bus: Bus, groups: readonly AnyWorkerGroup[], ctx: HandlerContext<AppContext>): StopConsuming {
  const log = ctx.log.child({ component: "worker" });
  const stops: StopConsuming[] = [];
  for (const group of groups) {
    for (const [key, worker] of Object.entries(group.workers)) {
      const queueName = `${group.name}.${key}`;
      stops.push(
        bus.onQueue(queueName, async (envelope) => {
          const parsed = worker.schema.safeParse(envelope.payload);
          if (!parsed.success) {
            log.warn({ queue: queueName, envelopeId: envelope.id }, "job does not match its worker's schema; dropped");
            const error = new WhiskError("BAD_PAYLOAD", `The job for "${queueName}" does not match its schema.`, {
              issues: toPayloadIssues(parsed.error),
            });
            if (envelope.replyTo) await bus.reply(envelope.replyTo, failed(toErrorPayload(error)));
            return;
          }
          try {
            const result = await worker.handler(parsed.data, ctx);
            if (envelope.replyTo) await bus.reply(envelope.replyTo, ok(result ?? null));
          } catch (error) {
            log.error({ err: error, queue: queueName, envelopeId: envelope.id }, "worker threw");
            if (envelope.replyTo) await bus.reply(envelope.replyTo, failed(toErrorPayload(error)));
            throw error;
          }
        }),
      );
    }
  }
  return async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
}
