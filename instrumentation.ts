/**
 * Next.js calls register() once as its server starts, before it serves a request: the place to
 * start OpenTelemetry (server/tracing.ts; off unless OTEL_EXPORTER_OTLP_ENDPOINT is set). Only in
 * Node.js: the edge runtime (proxy.ts) has no spans to send.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startTracing } = await import("./server/tracing");
  await startTracing({ name: "whisk-app", instance: process.env.WHISK_NODE_ID });
}
