import { appRoom, toRoom } from "../core/address";
import { createEnvelope, type Envelope } from "../core/envelope";
import { historyPositionSchema } from "../history/history-position-schema";
import type { HistoryPage, HistoryPosition, HistoryStore } from "../history/history-store";
import type { AnyObserver, KeptInHistory } from "./definitions";
import { BEFORE_EVERYTHING, DeliveredOffsets } from "./delivered-offsets";
import type { Logger } from "./logger";

/** The most one room's gap is filled with; past it the room's clients resume from history themselves. */
export const GAP_FILL_LIMIT = 1_000;

type Kept = KeptInHistory<unknown>;

/**
 * Fills a bus gap from history. Pub/sub loses what is published while a gateway's subscription
 * is down (a Redis restart, a cut connection). Room messages of a `kept` topic are in the room's
 * history stream before they are published, so once the subscription is back, the gateway reads,
 * for each room it holds sockets in, what the stream holds past what it knows it delivered, and
 * delivers what it did not, oldest first, before anything published after. Live copies of what
 * the fill delivered are dropped: each socket gets every room message once.
 *
 * What was delivered is kept exactly, per room, for a few seconds (delivered-offsets.ts): messages
 * may arrive in another order than they were appended. Rooms first held here start from where
 * their stream stood (read once the room is followed, so nothing between is missed).
 */
export class HistoryGapFiller {
  /** Per kept topic and local room: what was delivered here. */
  private readonly delivered = new Map<string, DeliveredOffsets>();

  constructor(
    private readonly options: {
      history: HistoryStore;
      observers: ReadonlyMap<string, AnyObserver>;
      nodeId: string;
      log: Logger;
      onFilled?: (messages: number) => void;
    },
  ) {}

  /** Whether any observer is kept in history (the app's code may change in development). */
  get active(): boolean {
    return this.keptTopics().length > 0;
  }

  /** A room (its socket.io room) is now held here: note where its streams stand, unless a delivery did already. */
  async roomHeld(localRoom: string): Promise<void> {
    const room = roomIdOf(localRoom);
    if (room === undefined) return;
    await Promise.all(
      this.keptTopics().map(async ([topic, kept]) => {
        const page = await this.options.history.recent(kept.stream(room), 1);
        const key = keyOf(topic, room);
        const floor = { epoch: page.epoch, offset: page.entries.at(-1)?.offset ?? BEFORE_EVERYTHING };
        if (!this.delivered.has(key)) this.delivered.set(key, new DeliveredOffsets(floor));
      }),
    );
  }

  /** A room is no longer held here: nothing to fill for it. */
  roomLeft(localRoom: string): void {
    const room = roomIdOf(localRoom);
    if (room === undefined) return;
    for (const [topic] of this.keptTopics()) this.delivered.delete(keyOf(topic, room));
  }

  /** The local rooms a live envelope should still reach: all of them, but for a kept topic those that have not had it. */
  roomsToDeliver(envelope: Envelope, rooms: string[]): string[] {
    const kept = this.options.observers.get(envelope.topic)?.kept;
    if (!kept) return rooms;
    const position = positionOf(kept, envelope.payload);
    if (!position) return rooms;
    return rooms.filter((localRoom) => {
      const room = roomIdOf(localRoom);
      if (room === undefined) return true;
      const key = keyOf(envelope.topic, room);
      let record = this.delivered.get(key);
      if (!record) {
        // Held before any position was read: from this message on.
        record = new DeliveredOffsets({ epoch: position.epoch, offset: BEFORE_EVERYTHING });
        this.delivered.set(key, record);
      }
      return record.deliverOnce(position);
    });
  }

  /** What the rooms held here missed, as envelopes to deliver in this order (counted as delivered). */
  async missed(localRooms: Iterable<string>): Promise<Envelope[]> {
    const missed: Envelope[] = [];
    const rooms = [...localRooms].flatMap((localRoom) => roomIdOf(localRoom) ?? []);
    for (const [topic, kept] of this.keptTopics()) {
      for (const room of rooms) missed.push(...(await this.missedIn(topic, kept, room)));
    }
    if (missed.length > 0) this.options.onFilled?.(missed.length);
    return missed;
  }

  private async missedIn(topic: string, kept: Kept, room: string): Promise<Envelope[]> {
    const record = this.delivered.get(keyOf(topic, room));
    if (!record) return [];
    const stream = kept.stream(room);
    const { floor } = record;
    const page: HistoryPage =
      floor.offset === BEFORE_EVERYTHING
        ? await this.options.history.recent(stream, GAP_FILL_LIMIT)
        : await this.options.history.since(stream, floor, GAP_FILL_LIMIT);
    if (page.epoch !== floor.epoch) {
      // Redis lost the stream (restarted empty): what it holds now all came after.
      this.options.log.warn({ topic, room }, "history lost during a bus gap; what the new one holds is delivered");
      record.restart(page.epoch);
    } else if (!page.resumed && floor.offset !== BEFORE_EVERYTHING) {
      this.options.log.warn(
        { topic, room, limit: GAP_FILL_LIMIT },
        "bus gap longer than the fill limit; the latest messages are delivered",
      );
    }
    return page.entries
      .filter((entry) => record.deliverOnce({ epoch: page.epoch, offset: entry.offset }))
      .map((entry) =>
        createEnvelope({
          topic,
          payload: kept.payload(entry, page.epoch, room),
          to: [toRoom(room)],
          except: [],
          from: { nodeId: this.options.nodeId },
        }),
      );
  }

  private keptTopics(): [string, Kept][] {
    const kept: [string, Kept][] = [];
    for (const [topic, observer] of this.options.observers) if (observer.kept) kept.push([topic, observer.kept as Kept]);
    return kept;
  }
}

function keyOf(topic: string, room: string): string {
  return `${topic}\0${room}`;
}

/** The app room id of a local socket.io room, or undefined for a user's, a session's or a socket's. */
function roomIdOf(localRoom: string): string | undefined {
  const prefix = appRoom("");
  return localRoom.startsWith(prefix) ? localRoom.slice(prefix.length) : undefined;
}

/** The position a published payload carries, if it carries a well-formed one. */
function positionOf(kept: Kept, payload: unknown): HistoryPosition | undefined {
  try {
    const parsed = historyPositionSchema.safeParse(kept.position(payload));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
