import type { Socket } from "socket.io";

/**
 * The per-user socket cap of one gateway. Counting the user's room would be a check made after
 * the token check's awaits and before the socket joins it: concurrent handshakes of one user
 * would all see the same count and all pass. Here the check and the reservation are one
 * synchronous step, and the slot is given back exactly once: when the socket disconnects, or when
 * its transport closes before the handshake completed.
 */
export function createConnectionSlots(maxPerUser: number) {
  const held = new Map<string, number>();

  const giveBack = (userId: string) => {
    const left = (held.get(userId) ?? 1) - 1;
    if (left > 0) held.set(userId, left);
    else held.delete(userId);
  };

  return {
    /** Takes a slot for `socket`'s user; false (nothing taken) when the user already holds all. */
    reserve(socket: Socket, userId: string): boolean {
      const count = held.get(userId) ?? 0;
      if (count >= maxPerUser) return false;
      // A transport already gone: socket.io drops this socket, and no close event will follow.
      if (socket.conn.readyState !== "open") return true;
      held.set(userId, count + 1);
      let given = false;
      const free = () => {
        if (given) return;
        given = true;
        socket.conn.off("close", free);
        giveBack(userId);
      };
      socket.once("disconnect", free);
      socket.conn.once("close", free);
      return true;
    },
    /** Slots `userId` holds now. */
    held: (userId: string): number => held.get(userId) ?? 0,
  };
}
