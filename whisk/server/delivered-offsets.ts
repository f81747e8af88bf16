import { compareOffsets, type HistoryPosition } from "../history/history-store";

/** The offset of a stream that held nothing when a gateway began serving its room. */
export const BEFORE_EVERYTHING = "";
/**
 * How long an offset delivered here is remembered exactly. Two workers may publish in another
 * order than they appended, and a gateway's own messages reach it before those still crossing
 * Redis, so arrivals are out of order by milliseconds; an offset older than two windows is
 * taken as handled.
 */
export const REMEMBERED_FOR_MS = 10_000;

/**
 * What one gateway delivered of one room's kept messages: every offset of the last one to two
 * windows exactly, and a floor below which everything counts as handled (the newest offset that
 * aged out, or where the stream stood when the room was first held here). Exact, so messages
 * arriving out of order are neither dropped nor delivered twice; bounded, so a busy room costs
 * a few seconds of offsets.
 */
export class DeliveredOffsets {
  private current = new Set<string>();
  private previous = new Set<string>();
  private newestCurrent: string | undefined;
  private newestPrevious: string | undefined;
  private rotatedAt: number;

  constructor(
    /** Everything at or below it counts as delivered. */
    public floor: HistoryPosition,
    private readonly now: () => number = Date.now,
  ) {
    this.rotatedAt = now();
  }

  /** Whether the message at `position` was delivered here; if not, it is now counted as delivered. */
  deliverOnce(position: HistoryPosition): boolean {
    this.age();
    // Another epoch: the stream was lost and began again; nothing of the old one applies.
    if (position.epoch !== this.floor.epoch) this.restart(position.epoch);
    if (this.isHandled(position.offset)) return false;
    this.current.add(position.offset);
    if (this.newestCurrent === undefined || compareOffsets(position.offset, this.newestCurrent) > 0) this.newestCurrent = position.offset;
    return true;
  }

  /** The stream was lost (a new epoch): forget the old one's offsets. */
  restart(epoch: string): void {
    this.floor = { epoch, offset: BEFORE_EVERYTHING };
    this.current = new Set();
    this.previous = new Set();
    this.newestCurrent = this.newestPrevious = undefined;
  }

  private isHandled(offset: string): boolean {
    const belowFloor = this.floor.offset !== BEFORE_EVERYTHING && compareOffsets(offset, this.floor.offset) <= 0;
    return belowFloor || this.current.has(offset) || this.previous.has(offset);
  }

  /** Once a window has passed, the older half goes; its newest offset raises the floor. */
  private age(): void {
    while (this.now() - this.rotatedAt >= REMEMBERED_FOR_MS) {
      if (
        this.newestPrevious !== undefined &&
        (this.floor.offset === BEFORE_EVERYTHING || compareOffsets(this.newestPrevious, this.floor.offset) > 0)
      ) {
        this.floor = { epoch: this.floor.epoch, offset: this.newestPrevious };
      }
      this.previous = this.current;
      this.newestPrevious = this.newestCurrent;
      this.current = new Set();
      this.newestCurrent = undefined;
      this.rotatedAt += REMEMBERED_FOR_MS;
      // Idle for long: nothing left to age, start the windows from now.
      if (this.previous.size === 0 && this.now() - this.rotatedAt >= REMEMBERED_FOR_MS) this.rotatedAt = this.now();
    }
  }
}
