import type { Socket } from "socket.io";
import { appRoom } from "../core/address";
import { WhiskError } from "../core/errors";
import { PRESENCE_TOPIC, type PresenceUpdate } from "../core/protocol";
import type { PresenceEntry } from "../presence/presence-store";
import type { RouteContext } from "./definitions";
import type { PresenceTracker } from "./presence-tracker";

/**
 * The `ctx.socket` of a route: which app rooms the socket is in. Joining also makes it present
 * there and sends it the room's people. Changes run one at a time per socket, so two quick
 * `moveTo`s cannot leave it in two rooms, and a socket that closed while a change awaited is taken
 * out again instead of staying present for ever.
 */
export function socketMembership(
  socket: Socket,
  entry: PresenceEntry,
  presence: PresenceTracker,
  maxRooms: number,
): RouteContext<unknown>["socket"] {
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(change: () => Promise<T>): Promise<T> => {
    const run = queue.then(change, change);
    queue = run.catch(() => {});
    return run;
  };

  const join = async (room: string) => {
    if (!socket.connected) return;
    const rooms = presence.roomsOf(socket.id);
    if (rooms.includes(room)) return;
    if (rooms.length >= maxRooms) throw new WhiskError("LIMIT_REACHED", `A connection may be in at most ${maxRooms} rooms at once.`);
    await socket.join(appRoom(room));
    const users = await presence.join(entry, room);
    // The disconnect handler already ran: undo, or this entry would be refreshed for ever.
    if (!socket.connected) return presence.leaveAll(socket.id);
    const snapshot: PresenceUpdate = { room, kind: "snapshot", users };
    socket.emit(PRESENCE_TOPIC, snapshot);
  };
  const leave = async (room: string) => {
    await socket.leave(appRoom(room));
    await presence.leave(socket.id, room);
  };

  return {
    id: socket.id,
    join: (room) => oneAtATime(() => join(room)),
    leave: (room) => oneAtATime(() => leave(room)),
    moveTo: (room) =>
      oneAtATime(async () => {
        for (const other of presence.roomsOf(socket.id)) if (other !== room) await leave(other);
        await join(room);
      }),
    rooms: () => presence.roomsOf(socket.id),
  };
}
