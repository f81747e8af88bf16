import type { Server } from "node:http";

/**
 * Starts `server` on 127.0.0.1:`port` and returns its close, which ends open connections first:
 * a test's socket.io client would otherwise keep `server.close` waiting.
 */
export async function listenOnLoopback(server: Server, port: number): Promise<() => Promise<void>> {
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
}
