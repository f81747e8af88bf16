import type { Socket } from "socket.io";
import { connectError } from "./connect-error";
import { cutConnection } from "./cut-connection";

/**
 * socket.io middleware: at most `max` CONNECT packets per engine.io connection. A page sends one
 * (one per namespace); a connection that keeps sending them is guessing tokens or flooding. It is
 * closed, and what it sent after that is never read (engine.io ignores packets of a closing
 * connection), so a flood costs one refusal, not one token check each. `onExceeded` is called
 * once per connection closed.
 */
export function limitConnectAttempts(max: number, onExceeded: (socket: Socket) => void) {
  const attempts = new WeakMap<object, number>();
  return (socket: Socket, next: (error?: Error) => void) => {
    const count = (attempts.get(socket.conn) ?? 0) + 1;
    attempts.set(socket.conn, count);
    if (count <= max) return next();
    if (count === max + 1) onExceeded(socket);
    cutConnection(socket.conn);
    next(connectError("RATE_LIMITED"));
  };
}
