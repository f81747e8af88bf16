import { appRoom, toRoom } from "../core/address";
import { createEnvelope, type Envelope } from "../core/envelope";
import { historyPositionSchema } from "../history/history-position-schema";
import { compareOffsets, type HistoryPage, type HistoryPosition, type HistoryStore } from "../history/history-store";
import type { AnyObserver, KeptInHistory } from "./definitions";
import type { Logger } from "./logger";

/** The most one room's gap is filled with; past it the room's clients resume from history themselves. */
export const GAP_FILL_LIMIT = 1_000;
/** The offset of a stream that held nothing when this gateway began serving its room. */
const BEFORE_EVERYTHING = "";

type Kept = KeptInHistory<unknown>;

/**
 * Fills a bus gap from history. Pub/sub loses what is published while a gateway's subscription
 * is down (a Redis restart, a cut connection). Room messages of a `kept` topic are in the room's
 * history stream before they are published, so once the subscription is back, the gateway reads,
 * for each room it holds sockets in, what came after the last message it delivered there, and
 * delivers that, oldest first, before anything published after. Live messages it then receives
 * that it already delivered (appended before the read, published after it) are dropped: each
 * socket gets every room message once, in order.
 *
 * Rooms first held here get a starting position read from their stream (the room is followed
 * first, so nothing between is missed), so a gap before any message was delivered is filled too.
 */
export class HistoryGapFiller {
  /** Per kept topic and local room: the newest position delivered here. */
  private readonly delivered = new Map<string, HistoryPosition>();

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
        if (!this.delivered.has(key))
          this.delivered.set(key, { epoch: page.epoch, offset: page.entries.at(-1)?.offset ?? BEFORE_EVERYTHING });
      }),
    );
  }

  /** A room is no longer held here: nothing to fill for it. */
  roomLeft(localRoom: string): void {
    const room = roomIdOf(localRoom);
    if (room === undefined) return;
    for (const [topic] of this.keptTopics()) this.delivered.delete(keyOf(topic, room));
  }

  /**
   * The local rooms a live envelope should still reach: all of them, but for a kept topic those
   * whose last delivered message is this one or newer (the gap fill brought it already).
   */
  roomsToDeliver(envelope: Envelope, rooms: string[]): string[] {
    const kept = this.options.observers.get(envelope.topic)?.kept;
    if (!kept) return rooms;
    const position = positionOf(kept, envelope.payload);
    if (!position) return rooms;
    return rooms.filter((localRoom) => {
      const room = roomIdOf(localRoom);
      if (room === undefined) return true;
      const key = keyOf(envelope.topic, room);
      const last = this.delivered.get(key);
      if (last && last.epoch === position.epoch && last.offset !== BEFORE_EVERYTHING && compareOffsets(position.offset, last.offset) <= 0) {
        return false;
      }
      this.delivered.set(key, position);
      return true;
    });
  }

  /** What the rooms held here missed, as envelopes to deliver in this order, and the room positions advanced past them. */
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
    const key = keyOf(topic, room);
    const last = this.delivered.get(key);
    if (!last) return [];
    const stream = kept.stream(room);
    const page: HistoryPage =
      last.offset === BEFORE_EVERYTHING
        ? await this.options.history.recent(stream, GAP_FILL_LIMIT)
        : await this.options.history.since(stream, last, GAP_FILL_LIMIT);
    if (page.epoch !== last.epoch) {
      // Redis lost the stream (restarted empty): offsets before and after mean nothing to each other.
      this.options.log.warn({ topic, room }, "history lost during a bus gap; clients of the room start again from its history");
      this.delivered.set(key, { epoch: page.epoch, offset: page.entries.at(-1)?.offset ?? BEFORE_EVERYTHING });
      return [];
    }
    const after = page.entries.filter((entry) => last.offset === BEFORE_EVERYTHING || compareOffsets(entry.offset, last.offset) > 0);
    if (!page.resumed && last.offset !== BEFORE_EVERYTHING) {
      this.options.log.warn(
        { topic, room, limit: GAP_FILL_LIMIT },
        "bus gap longer than the fill limit; the latest messages are delivered",
      );
    }
    const newest = after.at(-1);
    if (newest) this.delivered.set(key, { epoch: page.epoch, offset: newest.offset });
    return after.map((entry) =>
      createEnvelope({
        topic,
        payload: kept.payload(entry, page.epoch),
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
