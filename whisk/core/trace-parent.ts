import { context, propagation } from "@opentelemetry/api";

/**
 * The W3C `traceparent` of the span running now, for an envelope to carry through the bus to a
 * worker or a gateway (their spans then join the same trace). Undefined when nothing is traced:
 * with no OpenTelemetry SDK registered, the API's propagator writes nothing.
 */
export function activeTraceParent(): string | undefined {
  const carrier: { traceparent?: string } = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** A traceparent is 55 characters (version, trace id, span id, flags); longer is not one. */
export const MAX_TRACE_PARENT_LENGTH = 55;
