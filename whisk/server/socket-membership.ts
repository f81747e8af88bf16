import type { Socket } from "socket.io";
import { appRoom } from "../core/address";
import { WhiskError } from "../core/errors";
import type { PresenceEntry } from "../presence/presence-store";
import type { SocketHandle } from "./definitions";
import type { PresenceTracker } from "./presence-tracker";

/**
 * The `ctx.socket` of a route: which app rooms the socket is in. Joining also makes it present
 * there and sends it the room's people. Changes run one at a time per socket, so two quick
 * `moveTo`s cannot leave it in two rooms, and a socket that closed while a change awaited is taken
 * out again instead of staying present for ever. A class, so a gateway's thousands of sockets
 * share its methods instead of each holding its own closures.
 */
export class SocketMembership implements SocketHandle {
  /** The last change in line; the next one starts after it, whether it failed or not. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly raw: Socket,
    private readonly entry: PresenceEntry,
    private readonly presence: PresenceTracker,
    private readonly maxRooms: number,
  ) {}

  get id(): string {
    return this.raw.id;
  }

  join(room: string): Promise<void> {
    return this.#oneAtATime(() => this.#join(room));
  }

  leave(room: string): Promise<void> {
    return this.#oneAtATime(() => this.#leave(room));
  }

  moveTo(room: string): Promise<void> {
    return this.#oneAtATime(async () => {
      for (const other of this.rooms()) if (other !== room) await this.#leave(other);
      await this.#join(room);
    });
  }

  setPresenceState(room: string, state: unknown): Promise<boolean> {
    return this.#oneAtATime(() => this.presence.setState(this.raw.id, room, state));
  }

  rooms(): string[] {
    return this.presence.roomsOf(this.raw.id);
  }

  #oneAtATime<T>(change: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(change, change);
    this.#queue = run.catch(() => {});
    return run;
  }

  async #join(room: string): Promise<void> {
    const { raw: socket, presence } = this;
    if (!socket.connected) return;
    const rooms = this.rooms();
    if (rooms.includes(room)) return;
    if (rooms.length >= this.maxRooms)
      throw new WhiskError("LIMIT_REACHED", `A connection may be in at most ${this.maxRooms} rooms at once.`);
    await socket.join(appRoom(room));
    const joined = await presence.join(this.entry, room);
    // The disconnect handler already ran: undo, or this entry would be refreshed for ever.
    if (!socket.connected) return presence.leaveAll(socket.id);
    if (joined) await presence.snapshots.send(socket, room);
  }

  async #leave(room: string): Promise<void> {
    await this.raw.leave(appRoom(room));
    await this.presence.leave(this.raw.id, room);
  }
}
