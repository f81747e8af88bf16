import type { Socket } from "socket.io";
import type { SocketIdentity } from "./auth-middleware";

/**
 * The per-user socket cap of one gateway. Counting the user's room would be a check made after
 * the token check's awaits and before the socket joins it: concurrent handshakes of one user
 * would all see the same count and all pass. Here the check and the reservation are one
 * synchronous step, and the slot is given back exactly once: when the socket disconnects, or, if
 * its transport closed before the handshake completed, as soon as socket.io has dropped it.
 *
 * No closure or once-wrapper per socket: a connected socket gets one `disconnect` listener shared
 * by all (socket.io calls it with `this` = the socket), which reads the user from its identity.
 */
export class ConnectionSlots {
  readonly #held = new Map<string, number>();
  readonly #onDisconnect: (this: Socket) => void;

  constructor(private readonly maxPerUser: number) {
    const slots = this;
    this.#onDisconnect = function () {
      slots.#giveBack((this.data.identity as SocketIdentity).user.id);
    };
  }

  /**
   * Takes a slot for `socket`'s user and lets its handshake go on (`next()`, the last socket.io
   * middleware's); false, with nothing taken and `next` not called, when the user holds them all.
   * `userId` must be the socket's `identity.user.id`.
   */
  admit(socket: Socket, userId: string, next: () => void): boolean {
    const count = this.#held.get(userId) ?? 0;
    if (count >= this.maxPerUser) return false;
    // A transport already gone: socket.io drops this socket, and nothing is taken.
    if (socket.conn.readyState !== "open") {
      next();
      return true;
    }
    this.#held.set(userId, count + 1);
    next();
    // socket.io connects the socket, or drops it if its transport closed meanwhile, in a tick
    // that next() has just queued: this one runs after it. A socket connected by then gives its
    // slot back on disconnect; one that is not never connected (or already left): now.
    process.nextTick(() => {
      if (socket.connected) socket.on("disconnect", this.#onDisconnect);
      else this.#giveBack(userId);
    });
    return true;
  }

  /** Slots `userId` holds now. */
  held(userId: string): number {
    return this.#held.get(userId) ?? 0;
  }

  #giveBack(userId: string): void {
    const left = (this.#held.get(userId) ?? 1) - 1;
    if (left > 0) this.#held.set(userId, left);
    else this.#held.delete(userId);
  }
}
