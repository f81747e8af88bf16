import type { Address } from "../core/address";
import type { RedisKeys } from "../core/redis-keys";

/** How many slot channels users, sessions, sockets and rooms hash to, unless a transport says otherwise. */
export const DEFAULT_BUS_SLOTS = 1024;

/**
 * Where an envelope travels on Redis, so it reaches only the processes that can deliver it:
 * - `everyone()`: the everyone channel, alone (every listening process gets it anyway);
 * - a node: that node's own channel;
 * - a user, session, socket or room: the slot channel it hashes to, which a gateway listens to
 *   while it holds such a socket. Slots keep the number of channels bounded (a busy gateway
 *   listens to at most `slots` of them), at the price of now and then receiving an envelope for a
 *   neighbour in its slot, which delivery filters out as before.
 */
export function channelsFor(addresses: readonly Address[], keys: RedisKeys, slots: number): string[] {
  if (addresses.some((address) => address.kind === "everyone")) return [keys.busEveryone];
  const channels = new Set<string>();
  for (const address of addresses) channels.add(channelOf(address, keys, slots));
  return [...channels];
}

/** The one channel that carries envelopes for `address` (see `channelsFor`). */
export function channelOf(address: Address, keys: RedisKeys, slots: number): string {
  switch (address.kind) {
    case "everyone":
      return keys.busEveryone;
    case "node":
      return keys.busNode(address.nodeId);
    case "user":
      return keys.busSlot(slotOf(`user:${address.userId}`, slots));
    case "session":
      return keys.busSlot(slotOf(`session:${address.sessionId}`, slots));
    case "socket":
      return keys.busSlot(slotOf(`socket:${address.socketId}`, slots));
    case "room":
      return keys.busSlot(slotOf(`room:${address.room}`, slots));
  }
}

/** FNV-1a, 32 bits: fast, spreads short ids evenly, and the same in every process. */
export function slotOf(key: string, slots: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % slots;
}
