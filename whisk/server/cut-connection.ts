/** The parts of an engine.io connection a cut touches. */
export interface CuttableConnection {
  close(discard: boolean): unknown;
  readonly transport?: { readonly name?: string; readonly socket?: { terminate?(): void } };
}

/**
 * Cuts a connection at the transport, dropping what waits for its client: a slow reader, a
 * connection over its byte budget, a CONNECT flood. engine.io's `close(true)` drops its own
 * buffer, but a WebSocket's close waits behind the unsent bytes, up to 30 s (ws's close
 * timeout) for a reader that stopped reading, holding them all that time; `terminate()` ends
 * the TCP socket now. The client sees a network failure and reconnects (not a socket.io
 * disconnect, which it would read as a sign-out).
 */
export function cutConnection(connection: CuttableConnection): void {
  const webSocket = connection.transport?.name === "websocket" ? connection.transport.socket : undefined;
  connection.close(true);
  webSocket?.terminate?.();
}
