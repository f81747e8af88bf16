/**
 * OpenTelemetry for this app, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (e.g.
 * http://127.0.0.1:4318, an OpenTelemetry Collector, Jaeger or Tempo). Then every process sends
 * its spans there over OTLP/HTTP: Next.js's own (pages, server actions), and Whisk's (a route, the
 * job it queued, the deliveries it caused) in one trace across processes.
 *
 * Next.js starts it from instrumentation.ts as its server starts (roles all and web); server/main.ts
 * starts it in the roles without Next.js (ws, worker). Whichever comes first starts it; a second
 * call finds it running (the mark is on globalThis: Next.js loads this file as a module of its own).
 */
import type { TracerProvider } from "@opentelemetry/sdk-trace";

const RUNNING = Symbol.for("whisk.tracing");
type WithTracing = { [RUNNING]?: Promise<TracerProvider> };

export function tracingWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** Registers the SDK once per process when tracing is wanted; resolves to whether it runs. */
export async function startTracing(service: { name: string; instance?: string }): Promise<boolean> {
  if (!tracingWanted()) return false;
  const process_ = globalThis as WithTracing;
  process_[RUNNING] ??= registerProvider(service);
  await process_[RUNNING];
  return true;
}

/** Sends the spans not yet sent, then stops; for a process about to exit. */
export async function stopTracing(): Promise<void> {
  const provider = await (globalThis as WithTracing)[RUNNING];
  await provider?.shutdown();
}

async function registerProvider(service: { name: string; instance?: string }): Promise<TracerProvider> {
  // Loaded only when tracing is on: a process without it pays nothing at start.
  const [api, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, sdk, { OTLPTraceExporter }, { resourceFromAttributes }] =
    await Promise.all([
      import("@opentelemetry/api"),
      import("@opentelemetry/context-async-hooks"),
      import("@opentelemetry/core"),
      import("@opentelemetry/sdk-trace"),
      import("@opentelemetry/exporter-trace-otlp-http"),
      import("@opentelemetry/resources"),
    ]);
  const provider = new sdk.TracerProvider({
    resource: resourceFromAttributes({
      "service.name": process.env.OTEL_SERVICE_NAME ?? service.name,
      ...(service.instance ? { "service.instance.id": service.instance } : {}),
    }),
    // The exporter reads OTEL_EXPORTER_OTLP_* itself; the processor OTEL_BSP_* (batch size, delay).
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
  });
  // A span started in a route is the parent of what its handler awaits (a job sent, a publish).
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  api.trace.setGlobalTracerProvider(provider);
  return provider;
}
