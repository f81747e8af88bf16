import { cutConnection } from "./cut-connection";

/**
 * What an observer's slow readers get, as the observer declares it (`observe(schema).slowClients(...)`).
 *
 * Why: socket.io buffers every message for a reader that does not read, without bound, until the
 * watchdog cuts it at `maxBufferedPackets`. For a feed where only recent messages matter (a
 * ticker, a cursor, a busy room) that is both too much memory and too blunt. With a policy, a
 * socket whose engine.io buffer holds `slowClientAfterPackets` or more (or that holds
 * `slowClientAfterBytes` for its client, outbound-bytes.ts) is served apart: everyone
 * else still gets one broadcast (one encode), and the slow one gets a small per-socket queue that
 * Whisk bounds as declared, flushed when its connection drains:
 * - `drop-oldest`: at most `maxQueued` messages of the topic, the oldest dropped on overflow;
 * - `keep-latest`: only the newest message of the topic;
 * - `disconnect`: cut at the transport (as the watchdog does), so the client reconnects with a
 *   fresh token and resumes from history, instead of reading a backlog.
 * A full buffer alone is not slowness: within one event-loop turn nobody can read, and a burst of
 * a few hundred messages to a small room fills a fast WebSocket client's buffer to 200+ packets
 * (measured) before its writes complete. So a socket at the limit is only suspected; it is slow
 * if it is still at the limit after an I/O turn (a `setImmediate` later), and stays slow until
 * its buffer is below the limit again. A socket that holds queued messages stays slow until they
 * are sent, so it gets the messages of observers with a policy in publish order. Messages of observers without a policy are not
 * queued and may overtake them.
 */

export type SlowClientPolicy =
  | { readonly policy: "drop-oldest" /** Messages of this topic held per slow socket (default 100). */; readonly maxQueued?: number }
  | { readonly policy: "keep-latest" }
  | { readonly policy: "disconnect" };

export const DEFAULT_MAX_QUEUED = 100;

/** How often a held queue is tried again when no engine.io drain comes (a socket slow by bytes). */
const RETRY_FLUSH_MS = 200;

/** Checks a declared policy once, when the observer is defined. */
export function checkSlowClientPolicy(policy: SlowClientPolicy): SlowClientPolicy {
  if (policy.policy === "drop-oldest") {
    const max = policy.maxQueued ?? DEFAULT_MAX_QUEUED;
    if (!Number.isInteger(max) || max < 1) throw new Error(`slowClients: maxQueued must be a whole number of at least 1 (got ${max}).`);
    return { policy: "drop-oldest", maxQueued: max };
  }
  if (policy.policy === "keep-latest" || policy.policy === "disconnect") return { policy: policy.policy };
  throw new Error(`slowClients: unknown policy "${(policy as { policy: unknown }).policy}" (drop-oldest, keep-latest or disconnect).`);
}

/** The parts of a local socket.io Socket this module uses (its engine.io connection in `conn`). */
export interface SlowClientSocket {
  readonly id: string;
  /** The rooms it is in (socket.io's `socket.rooms`), its own id among them. */
  readonly rooms?: ReadonlySet<string>;
  readonly conn: {
    /** engine.io's packets waiting for the transport; no public getter. */
    readonly writeBuffer?: readonly unknown[];
    close(discard: boolean): unknown;
    on(event: "drain" | "close", listener: () => void): unknown;
    off(event: "drain" | "close", listener: () => void): unknown;
  };
  emit(event: string, payload: unknown): unknown;
}

/** A socket.io broadcast operator (`io.local.to(rooms)`), as far as delivery needs it. */
export interface SlowClientTarget {
  emit(event: string, payload: unknown): unknown;
  except(ids: string[]): { emit(event: string, payload: unknown): unknown };
  /** Whether the broadcast reaches this local socket. */
  addresses(socket: SlowClientSocket): boolean;
}

/** Called for each message a policy did not deliver as published (for metrics). */
export interface SlowClientEvents {
  dropped(topic: string): void;
  replaced(topic: string): void;
  disconnected(topic: string, socketId: string): void;
}

interface Held {
  readonly socket: SlowClientSocket;
  /** In publish order, across topics. */
  readonly entries: { topic: string; payload: unknown }[];
  readonly detach: () => void;
}

export class SlowClientQueues {
  private readonly held = new Map<string, Held>();
  /** Connections still at the limit after an I/O turn (weak: a closed one needs no clean-up). */
  private readonly confirmed = new WeakSet<object>();
  /** Sockets seen at the limit this turn, checked again once I/O has run. */
  private readonly suspects = new Set<SlowClientSocket>();
  private checkScheduled = false;

  constructor(
    private readonly options: {
      /** A socket whose engine.io buffer holds this many packets or more is slow. */
      slowAfterPackets: number;
      /** ...or that holds this many bytes for its client (`bytesHeld`), whatever the packet count. */
      slowAfterBytes?: number;
      bytesHeld?: (connection: SlowClientSocket["conn"]) => number;
      /**
       * The local sockets that may be at their limit now (those whose transport could not take a
       * packet at once, outbound-bytes.ts). A broadcast checks these and the ones holding queues,
       * not every socket it reaches: in a room of 8,000 that keep up, none.
       */
      candidates: () => Iterable<SlowClientSocket>;
      events: SlowClientEvents;
    },
  ) {
    if (!Number.isInteger(options.slowAfterPackets) || options.slowAfterPackets < 1) {
      throw new Error(`slowClientAfterPackets must be a whole number of at least 1 (got ${options.slowAfterPackets}).`);
    }
  }

  /**
   * Emits `payload` to the target's local sockets: one broadcast to the fast ones, the policy to
   * each slow one.
   */
  async deliver(target: SlowClientTarget, topic: string, payload: unknown, policy: SlowClientPolicy): Promise<void> {
    const slow: SlowClientSocket[] = [];
    for (const socket of this.mayBeSlow(target)) if (this.isSlow(socket)) slow.push(socket);
    // Every socket holding a queue is left out, even one the target does not address: a
    // broadcast would reach it ahead of the messages it is still owed.
    const except = new Set([...slow.map((socket) => socket.id), ...this.held.keys()]);
    if (except.size === 0) target.emit(topic, payload);
    else target.except([...except]).emit(topic, payload);
    for (const socket of slow) this.hold(socket, topic, payload, policy);
  }

  /**
   * The sockets of the target that may be slow: the candidates it reaches, and those holding
   * queues (a socket holding one gets each message queued, whatever its transport does now).
   */
  private mayBeSlow(target: SlowClientTarget): Iterable<SlowClientSocket> {
    const found = new Map<string, SlowClientSocket>();
    for (const socket of this.options.candidates()) if (target.addresses(socket)) found.set(socket.id, socket);
    for (const { socket } of this.held.values()) if (target.addresses(socket)) found.set(socket.id, socket);
    return found.values();
  }

  /** Messages held for slow sockets now (for metrics and tests). */
  get queued(): number {
    let total = 0;
    for (const held of this.held.values()) total += held.entries.length;
    return total;
  }

  /** Sockets holding queued messages now. */
  get socketsHeld(): number {
    return this.held.size;
  }

  /** Forgets every queue and stops listening to their connections. */
  close(): void {
    for (const held of this.held.values()) held.detach();
    this.held.clear();
  }

  private isSlow(socket: SlowClientSocket): boolean {
    if (this.held.has(socket.id)) return true;
    if (!this.atLimit(socket)) {
      this.confirmed.delete(socket.conn);
      return false;
    }
    if (this.confirmed.has(socket.conn)) return true;
    this.suspect(socket);
    return false;
  }

  private suspect(socket: SlowClientSocket): void {
    this.suspects.add(socket);
    if (this.checkScheduled) return;
    this.checkScheduled = true;
    // After the poll phase: a reader that could take its packets has had its writes completed.
    setImmediate(() => {
      this.checkScheduled = false;
      for (const each of this.suspects) if (this.atLimit(each)) this.confirmed.add(each.conn);
      this.suspects.clear();
    });
  }

  private atLimit(socket: SlowClientSocket): boolean {
    if ((socket.conn.writeBuffer?.length ?? 0) >= this.options.slowAfterPackets) return true;
    const { slowAfterBytes, bytesHeld } = this.options;
    return slowAfterBytes !== undefined && bytesHeld !== undefined && bytesHeld(socket.conn) >= slowAfterBytes;
  }

  private hold(socket: SlowClientSocket, topic: string, payload: unknown, policy: SlowClientPolicy): void {
    if (policy.policy === "disconnect") {
      this.forget(socket.id);
      // At the transport, buffer dropped (see cut-connection.ts): the client reconnects and
      // resumes from history; a socket.io disconnect would queue behind the stalled buffer and
      // read as a sign-out.
      cutConnection(socket.conn);
      this.options.events.disconnected(topic, socket.id);
      return;
    }
    const held = this.held.get(socket.id) ?? this.attach(socket);
    const max = policy.policy === "keep-latest" ? 1 : (policy.maxQueued ?? DEFAULT_MAX_QUEUED);
    let count = 0;
    let oldest = -1;
    for (let i = 0; i < held.entries.length; i++) {
      if (held.entries[i]?.topic !== topic) continue;
      if (oldest < 0) oldest = i;
      count++;
    }
    if (count >= max) {
      held.entries.splice(oldest, 1);
      if (policy.policy === "keep-latest") this.options.events.replaced(topic);
      else this.options.events.dropped(topic);
    }
    held.entries.push({ topic, payload });
  }

  private attach(socket: SlowClientSocket): Held {
    // engine.io emits "drain" each time it hands its buffer to the transport: a socket slow by
    // packets gets one. A socket slow by bytes alone may have an empty engine.io buffer (its
    // bytes wait in the WebSocket), and then no drain comes: a short timer tries again.
    const onDrain = () => this.flush(socket.id);
    const onClose = () => this.forget(socket.id);
    socket.conn.on("drain", onDrain);
    socket.conn.on("close", onClose);
    const retry = setInterval(onDrain, RETRY_FLUSH_MS);
    retry.unref();
    const held: Held = {
      socket,
      entries: [],
      detach: () => {
        clearInterval(retry);
        socket.conn.off("drain", onDrain);
        socket.conn.off("close", onClose);
      },
    };
    this.held.set(socket.id, held);
    return held;
  }

  /** Sends what the socket is owed while its buffer stays below the limit; the rest waits for the next drain. */
  private flush(socketId: string): void {
    const held = this.held.get(socketId);
    if (!held) return;
    while (held.entries.length > 0 && !this.atLimit(held.socket)) {
      const entry = held.entries.shift();
      if (entry) held.socket.emit(entry.topic, entry.payload);
    }
    if (held.entries.length === 0) this.forget(socketId);
  }

  private forget(socketId: string): void {
    this.held.get(socketId)?.detach();
    this.held.delete(socketId);
  }
}
