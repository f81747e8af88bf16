import type { Namespace } from "socket.io";
import { Adapter, type Room, type SocketId } from "socket.io-adapter";
import type { Bus } from "../bus/bus";
import type { Unsubscribe } from "../bus/transport";
import { addressOfLocalRoom } from "../core/address";

/**
 * socket.io's own in-memory adapter, which also follows on the bus every room this gateway holds
 * a socket in (a user, a session, a socket, an app room): the bus then brings this gateway only
 * the envelopes it can deliver. A room is followed when its first socket joins and left when its
 * last one goes; `socket.join` resolves once the room is followed, so a socket welcomed, or told
 * it entered a room, misses nothing published after that.
 */
export function followingAdapter(bus: Bus): typeof Adapter {
  return class FollowingAdapter extends Adapter {
    private readonly following = new Map<Room, Promise<Unsubscribe | undefined>>();

    constructor(namespace: Namespace) {
      super(namespace);
      this.on("create-room", (room: Room) => {
        // A bus that cannot follow (Redis unreachable for good) still lets the socket join: the
        // failure shows in the health check, as for any bus outage.
        this.following.set(
          room,
          bus.follow(addressOfLocalRoom(room)).catch(() => undefined),
        );
      });
      this.on("delete-room", (room: Room) => {
        const followed = this.following.get(room);
        this.following.delete(room);
        void followed?.then((unfollow) => unfollow?.());
      });
    }

    override addAll(id: SocketId, rooms: Set<Room>): Promise<void> {
      super.addAll(id, rooms);
      return Promise.all([...rooms].map((room) => this.following.get(room))).then(() => undefined);
    }
  };
}
