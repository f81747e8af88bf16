import type { Namespace, Socket } from "socket.io";
import { PRESENCE_TOPIC, type PresenceUpdate } from "../core/protocol";
import type { PresentUser } from "../presence/presence-store";

interface Batch {
  room: string;
  namespace: Namespace;
  socketIds: string[];
}

/**
 * Sends joiners their room's snapshot. Joiners that share one snapshot (see
 * `PresenceTracker.join`) get it in one local emit, so a list of thousands of people is encoded
 * once for the crowd rather than once per joiner.
 */
export class SnapshotSender {
  /** Keyed by the snapshot itself: the joiners of one read share the same array. */
  private readonly batches = new Map<PresentUser[], Batch>();

  send(socket: Socket, room: string, users: PresentUser[]): void {
    const batch = this.batches.get(users);
    if (batch) {
      batch.socketIds.push(socket.id);
      return;
    }
    this.batches.set(users, { room, namespace: socket.nsp, socketIds: [socket.id] });
    // After this turn's joiners of the same snapshot have added themselves.
    setImmediate(() => this.flush(users));
  }

  private flush(users: PresentUser[]): void {
    const batch = this.batches.get(users);
    this.batches.delete(users);
    if (!batch) return;
    const snapshot: PresenceUpdate = { room: batch.room, kind: "snapshot", users };
    // Local: socket ids are rooms of this gateway only; a cluster adapter need not carry it.
    batch.namespace.local.to(batch.socketIds).emit(PRESENCE_TOPIC, snapshot);
  }
}
