/**
 * What one gateway allows each connection, on by default. Every limit answers with a typed
 * error (or a close) for that connection only; everyone else keeps being served.
 */
export interface GatewayLimits {
  /** Largest frame, in bytes; a larger one closes that connection. */
  maxPayloadBytes: number;
  /** Sustained events per second per socket, and the burst allowed on top (token bucket). */
  eventsPerSecond: number;
  eventBurst: number;
  /** Events refused within 10 s after which a flooding socket is disconnected. */
  floodDisconnectAfter: number;
  /** Sockets one user may hold on this gateway at once. */
  maxConnectionsPerUser: number;
  /** Rooms one socket may be in at once. */
  maxRoomsPerSocket: number;
  /** A connection that has not completed the Whisk handshake by then is closed. */
  handshakeTimeoutMs: number;
  /**
   * Packets waiting for a reader at which it counts as slow for observers with a slow-client
   * policy (`observe(schema).slowClients(...)`): they queue, drop or cut for it as declared.
   */
  slowClientAfterPackets: number;
  /** ...or bytes waiting for it, whatever the packet count (one page of the chat's history can be 150 KB). */
  slowClientAfterBytes: number;
  /** Packets waiting for a slow reader after which it is disconnected (it reconnects and catches up). */
  maxBufferedPackets: number;
  /**
   * Bytes one connection may hold for its client (engine.io's buffer plus the WebSocket's
   * unsent bytes: broadcasts, acks, refusals alike). Over it, the connection is cut at once; it
   * reconnects and catches up. Keep it above the largest answer a route gives.
   */
  maxBufferedBytes: number;
  /** socket.io CONNECT packets one engine.io connection may send; the next closes it. */
  maxConnectAttempts: number;
  /**
   * New engine.io connections per client address (see `trustedProxies`): a token bucket of
   * `handshakeBurstPerAddress` refilled at `handshakesPerSecondPerAddress`; 0 turns it off.
   */
  handshakesPerSecondPerAddress: number;
  handshakeBurstPerAddress: number;
  /** How often each socket's session is checked again (catches an expiry or a lost sign-out message). */
  revalidateEveryMs: number;
  /**
   * How long the resume token each socket holds for its next reconnect lives (single-use, bound to
   * its session and user), after how long the socket gets a fresh one, and how long it is
   * connected before its first (0: on connect): see resume-tokens.ts.
   */
  resumeTokenTtlMs: number;
  resumeTokenRenewAfterMs: number;
  resumeTokenFirstAfterMs: number;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  maxPayloadBytes: 64 * 1024,
  eventsPerSecond: 20,
  eventBurst: 40,
  floodDisconnectAfter: 20,
  maxConnectionsPerUser: 10,
  maxRoomsPerSocket: 20,
  handshakeTimeoutMs: 5_000,
  slowClientAfterPackets: 64,
  slowClientAfterBytes: 256 * 1024,
  maxBufferedPackets: 1_000,
  maxBufferedBytes: 1024 * 1024,
  maxConnectAttempts: 3,
  handshakesPerSecondPerAddress: 20,
  handshakeBurstPerAddress: 100,
  // Five minutes, renewed after two: a socket always holds one with three minutes left, and a
  // gateway of 10,000 sockets writes about 80 tokens a second to renew them.
  resumeTokenTtlMs: 5 * 60_000,
  resumeTokenRenewAfterMs: 2 * 60_000,
  // Not during the handshake: a reconnect storm landing here costs no token writes, and a socket
  // that lives seconds none at all. A socket cut off in its first 10 to 20 s asks getToken().
  resumeTokenFirstAfterMs: 10_000,
  revalidateEveryMs: 30_000,
};
