import type { Server } from "socket.io";
import type { SessionStore } from "../session/session-store";
import type { SocketIdentity } from "./auth-middleware";
import { cutConnection } from "./cut-connection";
import type { Logger } from "./logger";

/**
 * A gateway's periodic checks on the sockets it holds:
 * - a slow reader whose outbound buffer passed `maxBufferedPackets` is cut at the transport, so
 *   one stalled client cannot grow the server's memory. It sees a network failure and reconnects
 *   (fresh token), then catches up from room history. Not socket.io's `disconnect()`: that queues
 *   a disconnect packet behind the stalled buffer, and a client that finally reads it takes it for
 *   a sign-out ("io server disconnect") and never comes back;
 * - every `revalidateEveryMs`, each socket's session is read again, and sockets whose session
 *   expired or ended (even if the sign-out message was lost) are disconnected.
 */
export function startGatewayWatchdog(options: {
  io: Server;
  sessions: SessionStore;
  log: Logger;
  maxBufferedPackets: number;
  revalidateEveryMs: number;
  /** Called for each slow reader cut (for metrics). */
  onSlowReaderCut?: () => void;
}): () => void {
  const { io, log } = options;
  let lastRevalidation = Date.now();

  const tick = async () => {
    const sockets = [...io.of("/").sockets.values()];
    for (const socket of sockets) {
      const buffered = bufferedPackets(socket.conn);
      if (buffered > options.maxBufferedPackets) {
        log.warn({ socket: socket.id, buffered }, "slow reader cut off");
        cutConnection(socket.conn);
        options.onSlowReaderCut?.();
      }
    }
    if (Date.now() - lastRevalidation < options.revalidateEveryMs) return;
    lastRevalidation = Date.now();
    const sessionIds = new Set(sockets.map((socket) => (socket.data.identity as SocketIdentity | undefined)?.sessionId));
    for (const sessionId of sessionIds) {
      if (!sessionId || (await options.sessions.get(sessionId))) continue;
      for (const socket of sockets) {
        if ((socket.data.identity as SocketIdentity | undefined)?.sessionId === sessionId) socket.disconnect(true);
      }
    }
  };

  const timer = setInterval(
    () => {
      tick().catch((error) => log.warn({ err: String(error) }, "gateway watchdog check failed"));
    },
    Math.min(1_000, options.revalidateEveryMs),
  );
  timer.unref();
  return () => clearInterval(timer);
}

/** engine.io keeps packets waiting for a slow transport in `writeBuffer`; it has no public getter. */
function bufferedPackets(connection: unknown): number {
  return (connection as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
}
