import { type Attributes, context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { toWhiskError } from "../core/errors";

/** Whisk's spans, under the instrumentation scope `whisk`: the app's SDK (server/tracing.ts) exports them. */
const tracer = trace.getTracer("whisk");

export type SpanRole = "route" | "job" | "delivery";

/** A route answers a client (server); a job and a bus delivery take what another process sent (consumer). */
const KIND: Record<SpanRole, SpanKind> = { route: SpanKind.SERVER, job: SpanKind.CONSUMER, delivery: SpanKind.CONSUMER };

/**
 * Runs `work` inside a span named `whisk.<role> <name>`: a child of `traceParent` (what an
 * envelope carried from another process) when given, else of the span running now. A thrown
 * error marks the span failed with its Whisk code (`whisk.code`) and is thrown on.
 */
export function inSpan<T>(
  role: SpanRole,
  name: string,
  options: { traceParent?: string; attributes?: Attributes },
  work: () => Promise<T>,
): Promise<T> {
  const parent = options.traceParent ? propagation.extract(ROOT_CONTEXT, { traceparent: options.traceParent }) : context.active();
  return tracer.startActiveSpan(`whisk.${role} ${name}`, { kind: KIND[role], attributes: options.attributes }, parent, async (span) => {
    try {
      const value = await work();
      span.setAttribute("whisk.code", "ok");
      return value;
    } catch (error) {
      const code = toWhiskError(error).code;
      span.setAttribute("whisk.code", code);
      span.setStatus({ code: SpanStatusCode.ERROR, message: code });
      if (code === "INTERNAL") span.recordException(error instanceof Error ? error : String(error));
      throw error;
    } finally {
      span.end();
    }
  });
}
