import type { Namespace, Socket } from "socket.io";
import { PRESENCE_TOPIC, type PresenceUpdate } from "../core/protocol";
import type { PresentUser } from "../presence/presence-store";

interface Batch {
  socketIds: string[];
  /** Settles once the batch's snapshot is sent (or its read failed). */
  sent: Promise<void>;
}

/**
 * Sends joiners their room's people. The joiners of one room within a turn of the event loop (a
 * crowd reconnecting after a gateway restart) share one read of the store and one local emit, so a
 * list of thousands of people is read and encoded once for the crowd, not once per joiner.
 */
export class SnapshotSender {
  private readonly waiting = new Map<string, Batch>();

  constructor(private readonly read: (room: string) => Promise<PresentUser[]>) {}

  /** Call once the joiner is in the store: the read starts after this turn, so it includes them. */
  send(socket: Socket, room: string): Promise<void> {
    let batch = this.waiting.get(room);
    if (!batch) {
      const socketIds: string[] = [];
      const sent = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush(room, socket.nsp, socketIds));
      batch = { socketIds, sent };
      this.waiting.set(room, batch);
    }
    batch.socketIds.push(socket.id);
    return batch.sent;
  }

  private async flush(room: string, namespace: Namespace, socketIds: string[]): Promise<void> {
    this.waiting.delete(room);
    const snapshot: PresenceUpdate = { room, kind: "snapshot", users: await this.read(room) };
    // Local: socket ids are rooms of this gateway only; a cluster adapter need not carry it.
    namespace.local.to(socketIds).emit(PRESENCE_TOPIC, snapshot);
  }
}
