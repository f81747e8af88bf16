import type { IncomingMessage } from "node:http";

/**
 * The address a request came from, for per-client limits. The TCP peer, unless that peer is one
 * of `trustedProxies` (e.g. the nginx in front): then the nearest address in X-Forwarded-For that
 * is not itself a trusted proxy. Without a trusted proxy the header is ignored: any client can
 * write it, and a limit keyed on it would be a limit on nothing.
 */
export function clientAddress(req: IncomingMessage, trustedProxies: readonly string[] = []): string {
  const peer = normalizeAddress(req.socket.remoteAddress ?? "");
  if (trustedProxies.length === 0 || !trustedProxies.includes(peer)) return peer;
  const header = req.headers["x-forwarded-for"];
  const forwarded = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((part) => normalizeAddress(part.trim()))
    .filter(Boolean);
  // Right to left: each proxy appends the address it saw, so the rightmost entries are the most trusted.
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const address = forwarded[i] as string;
    if (!trustedProxies.includes(address)) return address;
  }
  return peer;
}

/** `::ffff:127.0.0.1` (IPv4 on a dual-stack socket) and `127.0.0.1` are one client. */
export function normalizeAddress(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
