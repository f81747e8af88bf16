import type { Envelope } from "../core/envelope";
import { duplicateConnection, type RedisConnection } from "../core/redis-connection";
import { decodeEnvelope } from "./envelope-codec";

/** Longer than any job should take: a slow job mistaken for an abandoned one would run twice. */
export const DEFAULT_CLAIM_IDLE_MS = 30_000;
/** Stopping waits for an empty read this long at most; one idle round trip a second is cheap. */
export const DEFAULT_BLOCK_MS = 1_000;
/**
 * Most jobs one consumer reads (or claims) at a time. Read jobs are this consumer's until acked,
 * so a small batch keeps little in hand: a stopping worker finishes them quickly, and a crashed
 * one leaves few to be claimed after `claimIdleMs`.
 */
const BATCH_SIZE = 10;
/** An abandoned job is taken over at most a third of `claimIdleMs` late, without a claim per read. */
const CLAIMS_PER_IDLE_PERIOD = 3;
/** Not spinning on a Redis that is down (ioredis reconnects meanwhile), yet resuming soon after. */
const RETRY_DELAY_MS = 500;
/** Dead letters wait for a person: plenty to diagnose, and a job failing in a loop cannot fill Redis. */
const DEAD_LETTER_MAX_LENGTH = 10_000;
/** XAUTOCLAIM's cursor to scan the pending list from its start; it returns it once the scan is done. */
const CLAIM_SCAN_START = "0-0";
/** A new group starts at the stream's first entry, so jobs enqueued before any worker are kept. */
const GROUP_FROM_FIRST_ENTRY = "0";
/** XREADGROUP's id for entries never delivered to any consumer of the group. */
const NEVER_DELIVERED = ">";

type StreamEntry = [id: string, fields: string[]];
/**
 * What XAUTOCLAIM may hand back for an entry deleted after it was read: Redis 6.2 replies nil in
 * its place (Redis 7 leaves it out and clears it from the pending list itself).
 */
type ClaimedEntry = StreamEntry | [id: string, fields: null] | null;

export interface QueueConsumerOptions {
  /** Duplicated for this consumer alone: its blocking reads would hold up any other command. */
  redis: RedisConnection;
  /** The queue's name, as `onConsumerError` reports it. */
  queue: string;
  streamKey: string;
  group: string;
  deadLetterKey: string;
  consumerName: string;
  claimIdleMs?: number;
  blockMs?: number;
  handler: (envelope: Envelope) => Promise<void>;
  onHandlerError?: (error: unknown, envelope: Envelope) => void;
  onMalformed?: (where: string) => void;
  onConsumerError?: (error: unknown, queue: string) => void;
}

/**
 * One worker's loop over one queue (a Redis Stream read through a consumer group): it claims jobs
 * abandoned by dead workers, reads new ones, runs each and acknowledges it, and after a Redis
 * error waits and starts over. Every job read is run and acknowledged, even once stopping has
 * begun: a job left pending would run again on another worker after `claimIdleMs`.
 */
export class QueueConsumer {
  private readonly connection: RedisConnection;
  private readonly claimIdleMs: number;
  private readonly blockMs: number;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | undefined;
  /** After a Redis error too: a Redis restarted empty has lost the group. */
  private needsGroup = true;
  /** Never yet, so the first pass claims at once. */
  private lastClaimAt = 0;
  /** Where the last claim stopped; anything else than the start means more pending entries to look at. */
  private claimFrom = CLAIM_SCAN_START;

  constructor(private readonly options: QueueConsumerOptions) {
    this.claimIdleMs = options.claimIdleMs ?? DEFAULT_CLAIM_IDLE_MS;
    this.blockMs = options.blockMs ?? DEFAULT_BLOCK_MS;
    this.connection = duplicateConnection(options.redis);
    this.connection.on("error", () => {}); // the loop sees failed commands and retries
  }

  start(): void {
    this.running = this.loop();
  }

  /**
   * Reads nothing new, lets the jobs in hand finish and be acked (the loop ends after them, or
   * after a blocking read of at most `blockMs` returns), and only then closes the connection.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopped = true;
      await this.running;
      this.connection.disconnect();
    })();
    return this.stopping;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.step();
      } catch (error) {
        if (this.stopped) return;
        await this.recover(error);
      }
    }
  }

  private async step(): Promise<void> {
    if (this.needsGroup) {
      await this.ensureGroup();
      this.needsGroup = false;
    }
    if (this.isClaimDue()) {
      await this.claimAbandoned();
      // More to look at: the older jobs first, before a blocking read of new ones (a batch is
      // small, and a dead worker may have left more than one).
      if (this.claimFrom !== CLAIM_SCAN_START) return;
    }
    // Checked again here: once stopping, read nothing new (what is read must be run).
    if (this.stopped) return;
    await this.readNew();
  }

  /** Redis went away or restarted empty: wait, make sure the group exists, and go on. */
  private async recover(error: unknown): Promise<void> {
    this.options.onConsumerError?.(error, this.options.queue);
    this.needsGroup = true;
    this.claimFrom = CLAIM_SCAN_START;
    await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
  }

  private async ensureGroup(): Promise<void> {
    const { streamKey, group } = this.options;
    await this.connection.xgroup("CREATE", streamKey, group, GROUP_FROM_FIRST_ENTRY, "MKSTREAM").catch((error: Error) => {
      if (!error.message.includes("BUSYGROUP")) throw error;
    });
  }

  private isClaimDue(): boolean {
    const scanUnfinished = this.claimFrom !== CLAIM_SCAN_START;
    return scanUnfinished || Date.now() - this.lastClaimAt >= this.claimIdleMs / CLAIMS_PER_IDLE_PERIOD;
  }

  /** Takes over jobs left unacknowledged for `claimIdleMs`: their worker died holding them. */
  private async claimAbandoned(): Promise<void> {
    const { streamKey, group, consumerName } = this.options;
    this.lastClaimAt = Date.now();
    const [next, claimed] = (await this.connection.xautoclaim(
      streamKey,
      group,
      consumerName,
      this.claimIdleMs,
      this.claimFrom,
      "COUNT",
      BATCH_SIZE,
    )) as [string, ClaimedEntry[]];
    this.claimFrom = next;
    await this.handleAll(claimed);
  }

  private async readNew(): Promise<void> {
    const { streamKey, group, consumerName } = this.options;
    const read = (await this.connection.xreadgroup(
      "GROUP",
      group,
      consumerName,
      "COUNT",
      BATCH_SIZE,
      "BLOCK",
      this.blockMs,
      "STREAMS",
      streamKey,
      NEVER_DELIVERED,
    )) as [string, StreamEntry[]][] | null;
    if (read) await this.handleAll(read[0]?.[1] ?? []);
  }

  private async handleAll(entries: readonly ClaimedEntry[]): Promise<void> {
    for (const entry of entries) await this.handle(entry);
  }

  private async handle(entry: ClaimedEntry): Promise<void> {
    const { streamKey, group } = this.options;
    // Deleted meanwhile (see ClaimedEntry): nothing to run. Without an id there is nothing to ack
    // either; with one, ack it so it leaves the pending list.
    if (!Array.isArray(entry)) return;
    const [id, fields] = entry;
    if (!Array.isArray(fields)) {
      await this.connection.xack(streamKey, group, id);
      return;
    }
    await this.runJob(fields[1] ?? "");
    // Deleted with its ack, so the stream holds only jobs not yet done (see RedisTransport.enqueue).
    await this.connection.multi().xack(streamKey, group, id).xdel(streamKey, id).exec();
  }

  /** Runs one job; a job that fails is set aside, not retried, and acked like any other. */
  private async runJob(text: string): Promise<void> {
    const envelope = decodeEnvelope(text);
    if (!envelope) return this.options.onMalformed?.(this.options.streamKey);
    try {
      await this.options.handler(envelope);
    } catch (error) {
      this.options.onHandlerError?.(error, envelope);
      // Kept for a person to inspect, instead of retrying a job that fails every time.
      await this.connection.xadd(this.options.deadLetterKey, "MAXLEN", "~", DEAD_LETTER_MAX_LENGTH, "*", "envelope", text);
    }
  }
}
