import type { IncomingMessage } from "node:http";
import type { Socket } from "socket.io";
import type { ErrorCode } from "../core/errors";
import { isOriginAllowed } from "../core/origin-allow-list";
import { AddressRateLimit } from "./address-rate-limit";
import { clientAddress, TrustedProxies } from "./client-address";
import type { GatewayLimits } from "./gateway-limits";

/** What a refusal is reported with: its code, the page's origin and the client's address. */
export type ReportRefusal = (code: ErrorCode, origin: string | undefined, address: string) => void;

/**
 * engine.io's `allowRequest`: the first check of every new connection, before any socket.io
 * packet is read. Refuses a foreign origin (which would otherwise spend a token) and an address
 * opening connections faster than its budget. The client's address (read through trusted
 * proxies) is kept on the request, so later refusals name the client, not the proxy.
 */
export function createHandshakeGate(options: {
  allowedOrigins: readonly string[];
  trustedProxies?: readonly string[];
  limits: Pick<GatewayLimits, "handshakeBurstPerAddress" | "handshakesPerSecondPerAddress">;
  refuse: ReportRefusal;
}) {
  const trusted = new TrustedProxies(options.trustedProxies);
  const byAddress = new AddressRateLimit({
    capacity: options.limits.handshakeBurstPerAddress,
    perSecond: options.limits.handshakesPerSecondPerAddress,
  });
  return (req: IncomingMessage, callback: (error: string | null | undefined, success: boolean) => void) => {
    const origin = req.headers.origin;
    const address = clientAddress(req, trusted);
    (req as AddressedRequest).whiskClientAddress = address;
    const refusal: ErrorCode | undefined = !isOriginAllowed(origin, options.allowedOrigins)
      ? "ORIGIN_NOT_ALLOWED"
      : !byAddress.take(address)
        ? "RATE_LIMITED"
        : undefined;
    if (refusal) options.refuse(refusal, origin, address);
    callback(refusal ?? null, refusal === undefined);
  };
}

type AddressedRequest = IncomingMessage & { whiskClientAddress?: string };

/** The client's address as the gate read it (the TCP peer if the gate did not see the request). */
export function clientAddressOf(socket: Socket): string {
  return (socket.request as AddressedRequest).whiskClientAddress ?? socket.handshake.address;
}
