import createDebug from "debug";

/** socket.io and engine.io debug namespaces that print whole packets, handshake tokens included. */
const PACKET_NAMESPACES = ["socket.io-parser", "socket.io:client", "socket.io:socket", "engine", "engine:*", "ioredis:*"];

/**
 * `DEBUG=*` must never print a ws_token or a message: keep whatever the person asked for, minus
 * the namespaces that dump packets. Called once at start.
 */
export function silencePacketDebug(env: Record<string, string | undefined> = process.env): void {
  if (!env.DEBUG) return;
  createDebug.enable([env.DEBUG, ...PACKET_NAMESPACES.map((namespace) => `-${namespace}`)].join(","));
}
