import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { HistoryEntry, HistoryPage, HistoryPosition, HistoryStore } from "./history-store";

type StreamEntry = [id: string, fields: string[]];

/**
 * History in Redis Streams: one stream per room, trimmed to about `keep` entries, offsets are the
 * stream ids. The epoch lives beside the stream; if Redis loses both, a new epoch tells clients
 * to start again instead of trusting an old offset.
 */
export class RedisHistoryStore implements HistoryStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = "whisk:",
    private readonly keep = 1_000,
  ) {}

  async append(stream: string, message: unknown): Promise<HistoryPosition> {
    const epoch = await this.epoch(stream);
    const offset = (await this.redis.xadd(this.key(stream), "MAXLEN", "~", String(this.keep), "*", "m", JSON.stringify(message))) as string;
    return { epoch, offset };
  }

  async recent(stream: string, limit: number): Promise<HistoryPage> {
    const epoch = await this.epoch(stream);
    const newestFirst = (await this.redis.xrevrange(this.key(stream), "+", "-", "COUNT", limit)) as StreamEntry[];
    return { epoch, entries: newestFirst.reverse().map(toEntry), resumed: false };
  }

  async since(stream: string, position: HistoryPosition, limit: number): Promise<HistoryPage> {
    const epoch = await this.epoch(stream);
    if (position.epoch !== epoch || !/^\d+-\d+$/.test(position.offset)) return this.recent(stream, limit);
    const [oldest] = (await this.redis.xrange(this.key(stream), "-", "+", "COUNT", 1)) as StreamEntry[];
    // Entries after the position were trimmed away: the client cannot catch up exactly.
    if (oldest && compareIds(oldest[0], position.offset) > 0) {
      return this.recent(stream, limit);
    }
    const entries = (await this.redis.xrange(this.key(stream), `(${position.offset}`, "+")) as StreamEntry[];
    return { epoch, entries: entries.map(toEntry), resumed: true };
  }

  private async epoch(stream: string): Promise<string> {
    const key = `${this.prefix}history-epoch:${stream}`;
    await this.redis.set(key, randomBytes(6).toString("hex"), "NX");
    return (await this.redis.get(key)) as string;
  }

  private key(stream: string) {
    return `${this.prefix}history:${stream}`;
  }
}

function toEntry([offset, fields]: StreamEntry): HistoryEntry {
  return { offset, message: JSON.parse(fields[1] ?? "null") };
}

function compareIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split("-").map(BigInt) as [bigint, bigint];
  const [bMs, bSeq] = b.split("-").map(BigInt) as [bigint, bigint];
  return aMs === bMs ? Number(aSeq - bSeq) : aMs > bMs ? 1 : -1;
}
