import type { NextConfig } from "next";

/**
 * Headers on every response Next.js sends: pages, API routes and static files. The pages'
 * Content-Security-Policy needs a nonce per request, so proxy.ts sets it.
 */
const securityHeaders = [
  // Browsers take a response for what its content-type says, never for what it looks like.
  { key: "X-Content-Type-Options", value: "nosniff" },
  // Other sites learn the origin a visitor came from, never the path (room names, ids).
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // No framing, for browsers that predate the CSP's frame-ancestors.
  { key: "X-Frame-Options", value: "DENY" },
  // Features the app does not use, off for it and anything it embeds.
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()" },
  // A page opened from this one (or that opened it) gets no handle on its window.
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

/**
 * The hosts whose pages may load the development server's own resources (scripts, hot reload):
 * those of WHISK_ALLOWED_ORIGINS, the one setting that also says which pages may connect to the
 * gateway. Unset, the default of server/env.ts: localhost and 127.0.0.1. A LAN address (a phone on
 * the same network) is added to WHISK_ALLOWED_ORIGINS once, and works for both.
 */
export function allowedDevOrigins(allowedOrigins: string | undefined): string[] {
  const origins = allowedOrigins?.trim() ? allowedOrigins.split(",") : ["http://localhost", "http://127.0.0.1"];
  return [...new Set(origins.flatMap((origin) => (URL.canParse(origin.trim()) ? [new URL(origin.trim()).hostname] : [])))];
}

const nextConfig: NextConfig = {
  allowedDevOrigins: allowedDevOrigins(process.env.WHISK_ALLOWED_ORIGINS),
  reactStrictMode: true,
  // The custom server (server/main.ts) hosts Next; the header would only tell attackers the stack.
  poweredByHeader: false,
  // The `whisk` workspace package is TypeScript source: Next compiles it like the app's own.
  transpilePackages: ["whisk"],
  // Loaded by instrumentation.ts only when tracing is on (server/tracing.ts): required from
  // node_modules at run time, as the custom server does, never bundled into Next's server code.
  serverExternalPackages: [
    "@opentelemetry/context-async-hooks",
    "@opentelemetry/core",
    "@opentelemetry/exporter-trace-otlp-http",
    "@opentelemetry/resources",
    "@opentelemetry/sdk-trace",
  ],
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
