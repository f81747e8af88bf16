import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { type Address, everyone, toNode } from "../core/address";
import { createEnvelope, type Envelope } from "../core/envelope";
import { ERROR_CODES } from "../core/errors";
import { REPLY_TOPIC } from "../core/protocol";
import { type Ack, failed } from "../core/result";
import { activeTraceParent } from "../core/trace-parent";
import { checkPayload, type Queue, type Topic } from "./topic";
import type { BusTransport, StopConsuming, Unsubscribe } from "./transport";

/**
 * A saved destination. Every method returns a new target, so a target kept in a variable can be
 * reused safely, as with socket.io's broadcast operator.
 *
 * @example
 * const room = bus.to(toRoom("beach")).except(ctx.socket.id);
 * await room.publish(chat.topics.message, { text: "hi" });
 */
export class BusTarget {
  constructor(
    private readonly bus: Bus,
    private readonly addresses: readonly Address[],
    private readonly excluded: readonly string[],
  ) {}

  to(...addresses: Address[]): BusTarget {
    return new BusTarget(this.bus, [...this.addresses, ...addresses], this.excluded);
  }

  except(...socketIds: string[]): BusTarget {
    return new BusTarget(this.bus, this.addresses, [...this.excluded, ...socketIds]);
  }

  async publish<S extends z.ZodType>(target: Topic<string, S>, payload: z.input<S>): Promise<void> {
    return this.bus.publishEnvelope(target.name, checkPayload(target, payload), this.addresses, this.excluded);
  }
}

/** What a bus may be told to do besides carrying: count what it sends, carry traces. */
export interface BusOptions {
  /** Called for each envelope put on the bus (metrics): a fan-out's topic or a job's queue. */
  onSent?: (kind: "publish" | "enqueue", topic: string) => void;
  /** Envelopes carry the sending span's traceparent (OpenTelemetry); off by default. */
  tracing?: boolean;
}

/**
 * The message bus every Whisk process shares: fan-out to addressed sockets through the gateways
 * that hold them, and work queues for workers. The transport (memory or Redis) only carries.
 */
export class Bus {
  private readonly waitingReplies = new Map<string, (ack: Ack<unknown>) => void>();
  private stopReplies: Unsubscribe | null = null;
  /** This node's own address, followed once anything here listens (replies, node-addressed envelopes). */
  private followingOwnNode: Promise<unknown> | undefined;

  constructor(
    private readonly transport: BusTransport,
    readonly nodeId: string,
    private readonly options: BusOptions = {},
  ) {}

  /** Whether envelopes carry traces, so the processes that receive them open spans of their own. */
  get tracing(): boolean {
    return this.options.tracing ?? false;
  }

  /** Messages for everyone on every gateway: the one way to broadcast (the `everyone()` address). */
  everyone(): BusTarget {
    return new BusTarget(this, [everyone()], []);
  }

  /**
   * Messages for these addresses only. An empty list reaches nobody, never everyone: with
   * `bus.to(...recipients)` an empty `recipients` must not broadcast a private message.
   */
  to(...addresses: Address[]): BusTarget {
    return new BusTarget(this, addresses, []);
  }

  /** Hands a job to exactly one worker consuming `target`. */
  async send<S extends z.ZodType>(target: Queue<string, S>, payload: z.input<S>): Promise<void> {
    const envelope = this.envelope({
      topic: target.name,
      payload: checkPayload(target, payload),
      to: [],
      except: [],
      from: { nodeId: this.nodeId },
    });
    await this.enqueue(target.name, envelope);
  }

  /**
   * Hands a job to one worker and waits for what its handler returns: `{ status: "ok", data }`,
   * the worker's typed error, or `TIMEOUT` if no answer comes within `timeoutMs`.
   *
   * @example
   * const result = await ctx.bus.request(rooms.queues.lookup, { room: "beach" }, { timeoutMs: 2_000 });
   * if (result.status === "ok") return result.data;
   */
  async request<S extends z.ZodType, Output>(
    target: Queue<string, S, Output>,
    payload: z.input<S>,
    options: { timeoutMs?: number } = {},
  ): Promise<Ack<Output>> {
    const checked = checkPayload(target, payload);
    this.listenForReplies();
    await Promise.all([this.transport.ready(), this.followOwnNode()]);
    const requestId = randomUUID();
    const timeoutMs = options.timeoutMs ?? 5_000;
    const reply = new Promise<Ack<Output>>((resolve) => {
      const timer = setTimeout(() => {
        this.waitingReplies.delete(requestId);
        resolve(failed({ code: "TIMEOUT", message: `${ERROR_CODES.TIMEOUT} (${target.name}, ${timeoutMs} ms)` }));
      }, timeoutMs);
      this.waitingReplies.set(requestId, (ack) => {
        clearTimeout(timer);
        this.waitingReplies.delete(requestId);
        resolve(ack as Ack<Output>);
      });
    });
    const envelope = this.envelope({
      topic: target.name,
      payload: checked,
      to: [],
      except: [],
      from: { nodeId: this.nodeId },
      replyTo: { nodeId: this.nodeId, requestId },
    });
    await this.enqueue(target.name, envelope);
    return reply;
  }

  /** @internal The worker side of `request`: sends a handler's outcome back to the requester. */
  async reply(to: NonNullable<Envelope["replyTo"]>, ack: Ack<unknown>): Promise<void> {
    await this.publishEnvelope(REPLY_TOPIC, { requestId: to.requestId, ack }, [toNode(to.nodeId)], []);
  }

  private listenForReplies() {
    this.stopReplies ??= this.transport.subscribe((envelope) => {
      if (envelope.topic !== REPLY_TOPIC) return;
      const { requestId, ack } = envelope.payload as { requestId?: string; ack?: Ack<unknown> };
      if (requestId && ack) this.waitingReplies.get(requestId)?.(ack);
    });
  }

  /** Whether the transport delivers only what this process follows (see `follow`). */
  get targeted(): boolean {
    return this.transport.follow !== undefined;
  }

  /**
   * Receive, from when it resolves until the returned function is called, the envelopes for
   * `address` too (a transport with targeted delivery; any other delivers everything anyway).
   */
  follow(address: Address): Promise<Unsubscribe> {
    return this.transport.follow?.(address) ?? Promise.resolve(() => {});
  }

  /** Gateways listen here; every envelope published for this process arrives once per listener. */
  onPublished(listener: (envelope: Envelope) => void): Unsubscribe {
    void this.followOwnNode();
    return this.transport.subscribe(listener);
  }

  /**
   * Called each time the transport's connection is back after a loss, before anything it receives
   * again, with a promise of the subscriptions being live: what was published meanwhile never
   * arrived here. A transport that cannot lose its subscriptions (memory) never calls it.
   */
  onResubscribed(listener: (live: Promise<void>) => void): Unsubscribe {
    return this.transport.onResubscribed?.(listener) ?? (() => {});
  }

  /** Envelopes addressed to this node (a worker's reply, a drain) come here whatever the transport. */
  private followOwnNode(): Promise<unknown> {
    this.followingOwnNode ??= this.follow(toNode(this.nodeId)).catch(() => {
      this.followingOwnNode = undefined;
    });
    return this.followingOwnNode;
  }

  /**
   * Workers listen here; each envelope of `queueName` goes to one consumer. The returned stop
   * lets the jobs in hand finish (and be acknowledged) before it resolves.
   */
  onQueue(queueName: string, handler: (envelope: Envelope) => Promise<void>): StopConsuming {
    return this.transport.consume(queueName, handler);
  }

  /** @internal Used by BusTarget; prefer `to(...).publish(...)`. */
  async publishEnvelope(topicName: string, payload: unknown, to: readonly Address[], except: readonly string[]) {
    // Addressed to nobody: nothing to carry. (Not sending it also keeps a gateway of an older
    // version, which read an empty list as everyone, from broadcasting it during a rolling deploy.)
    if (to.length === 0) return;
    this.options.onSent?.("publish", topicName);
    await this.transport.publish(
      this.envelope({ topic: topicName, payload, to: [...to], except: [...except], from: { nodeId: this.nodeId } }),
    );
  }

  private async enqueue(queueName: string, envelope: Envelope): Promise<void> {
    this.options.onSent?.("enqueue", queueName);
    await this.transport.enqueue(queueName, envelope);
  }

  /** A new envelope, carrying the running span's trace when tracing is on. */
  private envelope(fields: Omit<Envelope, "id" | "sentAt" | "trace">): Envelope {
    const envelope = createEnvelope(fields);
    const trace = this.tracing ? activeTraceParent() : undefined;
    if (trace) envelope.trace = trace;
    return envelope;
  }

  /** Jobs waiting in `queueName` or in a worker's hands, where the transport can tell. */
  queueDepth(queueName: string): Promise<number | undefined> {
    return this.transport.queueDepth?.(queueName) ?? Promise.resolve(undefined);
  }

  /** Publishes a raw topic with no schema; for Whisk's own control topics. */
  async publishControl(topicName: string, payload: unknown, to: Address[]) {
    await this.publishEnvelope(topicName, payload, to, []);
  }
}
