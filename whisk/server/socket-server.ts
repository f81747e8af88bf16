import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import type { Bus } from "../bus/bus";
import { WHISK_PATH } from "../core/protocol";
import { followingAdapter } from "./following-adapter";
import type { GatewayLimits } from "./gateway-limits";
import { createHandshakeGate, type ReportRefusal } from "./handshake-gate";

/** socket.io on the process's HTTP server, bounded by the gateway's limits from the first byte. */
export function createSocketServer(
  httpServer: HttpServer,
  options: {
    path?: string;
    allowedOrigins: readonly string[];
    trustedProxies?: readonly string[];
    limits: GatewayLimits;
    refuse: ReportRefusal;
    /** With targeted delivery, the rooms this gateway holds are followed on the bus. */
    bus?: Bus;
  },
): Server {
  const { limits, allowedOrigins } = options;
  return new Server(httpServer, {
    path: options.path ?? WHISK_PATH,
    serveClient: false,
    maxHttpBufferSize: limits.maxPayloadBytes,
    // A connection that never completes the socket.io handshake is closed after this.
    connectTimeout: limits.handshakeTimeoutMs,
    // Next.js shares this HTTP server and handles its own upgrades (hot reload): leave them alone.
    destroyUpgrade: false,
    cors: { origin: [...allowedOrigins], credentials: true },
    allowRequest: createHandshakeGate({ allowedOrigins, trustedProxies: options.trustedProxies, limits, refuse: options.refuse }),
    ...(options.bus?.targeted ? { adapter: followingAdapter(options.bus) } : {}),
  });
}
