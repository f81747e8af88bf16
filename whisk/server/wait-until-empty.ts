import type { Namespace } from "socket.io";

/**
 * Resolves once `namespace` holds no socket, or after `timeoutMs`: it listens for each socket's
 * disconnect (sockets that connect meanwhile included), instead of polling the count.
 */
export function waitUntilEmpty(namespace: Namespace, timeoutMs: number): Promise<void> {
  const { sockets } = namespace;
  if (sockets.size === 0) return Promise.resolve();
  return new Promise((resolve) => {
    // socket.io removes a socket from `sockets` before it emits its "disconnect".
    const check = () => {
      if (sockets.size === 0) done();
    };
    const watch = (socket: { once(event: "disconnect", listener: () => void): unknown }) => socket.once("disconnect", check);
    const done = () => {
      clearTimeout(timer);
      namespace.off("connection", watch);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    timer.unref();
    for (const socket of sockets.values()) watch(socket);
    namespace.on("connection", watch);
  });
}
