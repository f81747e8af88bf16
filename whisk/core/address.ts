/**
 * Where a bus message goes. The original Cipher's `{ns, nid, tid}` made explicit:
 * every kind of target is its own variant, so `nid: 0` can never turn into "everyone".
 *
 * @example
 * bus.to(toUser(userId)).publish(chat.topics.private, message);
 */
export type Address =
  | { kind: "everyone" }
  | { kind: "node"; nodeId: string }
  | { kind: "socket"; socketId: string }
  | { kind: "user"; userId: string }
  | { kind: "session"; sessionId: string }
  | { kind: "room"; room: string };

export const everyone = (): Address => ({ kind: "everyone" });
export const toNode = (nodeId: string): Address => ({ kind: "node", nodeId });
export const toSocket = (socketId: string): Address => ({ kind: "socket", socketId });
export const toUser = (userId: string): Address => ({ kind: "user", userId });
export const toSession = (sessionId: string): Address => ({ kind: "session", sessionId });
export const toRoom = (room: string): Address => ({ kind: "room", room });

/** The socket.io room every socket of a user, a session or an app room joins on each gateway. */
export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
export const nodeRoom = (nodeId: string) => `node:${nodeId}`;
export const appRoom = (room: string) => `room:${room}`;

/** The address whose envelopes a local socket.io room receives: the inverse of the four above; any other room is a socket's own. */
export function addressOfLocalRoom(room: string): Address {
  const colon = room.indexOf(":");
  const rest = room.slice(colon + 1);
  switch (colon === -1 ? "" : room.slice(0, colon)) {
    case "user":
      return toUser(rest);
    case "session":
      return toSession(rest);
    case "node":
      return toNode(rest);
    case "room":
      return toRoom(rest);
    default:
      return toSocket(room);
  }
}

/**
 * The local socket.io rooms an address list reaches on the gateway `nodeId`.
 * `"all"` means every local socket; an empty result means none on this node.
 * Only an explicit `everyone()` (or this node) reaches all: an empty address list reaches nobody,
 * so spreading an empty list of recipients can never broadcast a private message.
 */
export function localRoomsFor(addresses: readonly Address[], nodeId: string): "all" | string[] {
  const rooms: string[] = [];
  for (const address of addresses) {
    switch (address.kind) {
      case "everyone":
        return "all";
      case "node":
        if (address.nodeId === nodeId) return "all";
        break;
      case "socket":
        rooms.push(address.socketId);
        break;
      case "user":
        rooms.push(userRoom(address.userId));
        break;
      case "session":
        rooms.push(sessionRoom(address.sessionId));
        break;
      case "room":
        rooms.push(appRoom(address.room));
        break;
    }
  }
  return rooms;
}
