import type { IncomingMessage, ServerResponse } from "node:http";
import { ERROR_CODES } from "../core/errors";
import { AddressRateLimit } from "./address-rate-limit";
import { clientAddress, TrustedProxies } from "./client-address";

/**
 * A per-address limit on the requests that cost the server something to answer: POSTs (server
 * actions and route handlers: tokens, sign-in, guest sessions). Applied by the host process before
 * Next.js sees the request, where the TCP peer is known (Next's handlers only see headers any
 * client can write). Pages and assets (GET) are not limited here.
 *
 * @returns a check that answers 429 (RATE_LIMITED, Retry-After) and returns true when a request is over budget.
 */
export function createRequestRateLimit(options: {
  /** Sustained POSTs per second per address (bursts of five times as many); 0 turns it off. */
  perSecond: number;
  trustedProxies?: readonly string[];
  onRefused?: (address: string) => void;
}): (req: IncomingMessage, res: ServerResponse) => boolean {
  const limit = new AddressRateLimit({ capacity: Math.max(1, options.perSecond * 5), perSecond: options.perSecond });
  const trusted = new TrustedProxies(options.trustedProxies);
  return (req, res) => {
    if (req.method !== "POST") return false;
    const address = clientAddress(req, trusted);
    if (limit.take(address)) return false;
    options.onRefused?.(address);
    res
      .writeHead(429, { "content-type": "application/json", "retry-after": "1", "cache-control": "no-store" })
      .end(JSON.stringify({ error: { code: "RATE_LIMITED", message: ERROR_CODES.RATE_LIMITED } }));
    return true;
  };
}
