import type { Server } from "node:http";
import type { Socket } from "node:net";
import { limitKey, normalizeAddress, type TrustedProxies } from "./client-address";

/**
 * At most `max` open TCP connections per client address on `server` (pages, API calls, polls
 * and WebSockets alike); the next is closed at once. Without it one address could take all of
 * `maxConnections`, or park answered long polls it never reads, each holding its answer until
 * the idle timeout. A trusted proxy's connections are not counted: behind it every client
 * shares its address, and the proxy keeps its own per-address limit (`limit_conn`).
 *
 * @returns how many addresses hold connections now (for tests).
 */
export function limitConnectionsPerAddress(
  server: Server,
  options: { max: number; trustedProxies: TrustedProxies; onRefused?: (address: string) => void },
): () => number {
  const open = new Map<string, number>();
  if (options.max <= 0) return () => 0;
  server.on("connection", (socket: Socket) => {
    const address = normalizeAddress(socket.remoteAddress ?? "");
    if (options.trustedProxies.has(address)) return;
    const key = limitKey(address);
    const count = (open.get(key) ?? 0) + 1;
    if (count > options.max) {
      options.onRefused?.(address);
      socket.destroy();
      return;
    }
    open.set(key, count);
    socket.once("close", () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) open.set(key, left);
      else open.delete(key);
    });
  });
  return () => open.size;
}
