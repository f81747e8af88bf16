import { type CuttableConnection, cutConnection } from "./cut-connection";

/**
 * What each engine.io connection holds for its client and has not been able to write, in bytes:
 * the packets in engine.io's write buffer (waiting while the transport is busy) plus what the
 * WebSocket has handed to Node but the kernel has not taken (a reader that stopped reading).
 *
 * Why bytes: one packet may be a 60-byte notice or a 150 KB page of history. Counting packets let
 * a paused reader asking for large answers hold hundreds of megabytes below a packet limit.
 * A connection over `budgetBytes` is cut at the transport, its buffer dropped (see
 * gateway-watchdog.ts for why not a socket.io disconnect): the client reconnects and catches up.
 */

/** The parts of an engine.io Socket this module uses (no public API gives buffered bytes). */
export interface MeasuredConnection extends CuttableConnection {
  readonly writeBuffer?: readonly { data?: unknown }[];
  readonly transport?: {
    readonly name?: string;
    /** engine.io's transports: true while they can take a packet at once. */
    readonly writable?: boolean;
    readonly socket?: { readonly bufferedAmount?: number; terminate?(): void };
  };
  on(event: "packetCreate", listener: (this: MeasuredConnection, packet: { data?: unknown }) => void): unknown;
  readonly readyState?: string;
}

/** What a lagging connection has queued: `bytes` in `buffer`, engine.io's write buffer then. */
interface Queued {
  bytes: number;
  /** engine.io replaces its write buffer at each flush: another one means these bytes went out. */
  buffer: unknown;
  cut: boolean;
}

export class OutboundBytes {
  /**
   * Bytes in each lagging connection's write buffer, counted as packets go in (walking it is
   * O(n)). Made at the first packet a connection could not send at once: most never have one.
   */
  private readonly queued = new WeakMap<object, Queued>();
  /**
   * Connections that could not send a packet at once since they were last looked at
   * (`holding`): the only ones that may be holding anything. A room's broadcast checks these for
   * slowness, not every socket in the room.
   */
  private readonly lagging = new Set<MeasuredConnection>();
  private sweepAt = MIN_SWEEP_AT;
  // One listener for every connection (engine.io calls it with `this` = the connection), rather
  // than closures per connection: thousands of sockets share it.
  private readonly onPacketCreate: (this: MeasuredConnection, packet: { data?: unknown }) => void;

  constructor(options: {
    budgetBytes: number;
    /** Called once per connection cut, with what it held. */
    onCut(bytes: number): void;
  }) {
    if (!Number.isInteger(options.budgetBytes) || options.budgetBytes < 1024) {
      throw new Error(`maxBufferedBytes must be a whole number of bytes, at least 1024 (got ${options.budgetBytes}).`);
    }
    const outbound = this;
    this.onPacketCreate = function (packet) {
      // A transport that can take the packet now gets it at once (engine.io flushes right after),
      // and its earlier writes have all reached the kernel: nothing waits. The path of every
      // packet to a reader that keeps up, so it costs nothing more than this test.
      if (this.transport?.writable) return;
      outbound.noteLagging(this);
      const state = outbound.queuedIn(this) ?? outbound.startQueue(this);
      if (state.cut) return;
      state.bytes += sizeOf(packet.data);
      const held = outbound.held(this);
      if (held <= options.budgetBytes) return;
      state.cut = true;
      // After the current write: engine.io is in the middle of queueing this packet.
      process.nextTick(cutConnection, this);
      options.onCut(held);
    };
  }

  /** Starts counting a new connection's outbound bytes; it is cut as soon as it goes over budget. */
  watch(connection: MeasuredConnection): void {
    connection.on("packetCreate", this.onPacketCreate);
  }

  /** Bytes `connection` holds for its client now. */
  held(connection: MeasuredConnection): number {
    const transport = connection.transport;
    // A transport that can take a packet now has handed everything to the kernel: nothing waits.
    if (transport?.writable) return 0;
    const inSocket = transport?.name === "websocket" ? (transport.socket?.bufferedAmount ?? 0) : 0;
    return (this.queuedIn(connection)?.bytes ?? 0) + inSocket;
  }

  /**
   * The connections that may hold bytes for their clients now: those that could not send a packet
   * at once, less those that have caught up or closed since, which are forgotten here.
   */
  *holding(): IterableIterator<MeasuredConnection> {
    for (const connection of this.lagging) {
      if (hasCaughtUp(connection)) this.lagging.delete(connection);
      else yield connection;
    }
  }

  /**
   * Without a listener per connection (thousands of them) to say when one closes, the set is
   * swept when it has doubled since the last sweep: it never holds more than twice the
   * connections lagging now, whether anyone asks (`holding`) or not.
   */
  private noteLagging(connection: MeasuredConnection): void {
    if (this.lagging.has(connection)) return;
    this.lagging.add(connection);
    if (this.lagging.size < this.sweepAt) return;
    for (const each of this.lagging) if (hasCaughtUp(each)) this.lagging.delete(each);
    this.sweepAt = Math.max(MIN_SWEEP_AT, 2 * this.lagging.size);
  }

  /** What `connection` has queued since its last flush (none counted: undefined). */
  private queuedIn(connection: MeasuredConnection): Queued | undefined {
    const state = this.queued.get(connection);
    if (state && state.buffer !== connection.writeBuffer && !state.cut) {
      // Flushed since: those bytes went to the transport, whose own buffer is measured apart.
      state.bytes = 0;
      state.buffer = connection.writeBuffer;
    }
    return state;
  }

  private startQueue(connection: MeasuredConnection): Queued {
    const state = { bytes: 0, buffer: connection.writeBuffer, cut: false };
    this.queued.set(connection, state);
    return state;
  }
}

/** The lagging connections are swept once there are this many, at the least. */
const MIN_SWEEP_AT = 1_024;

/** Caught up (its transport can take a packet now) or gone: nothing waits in it. */
function hasCaughtUp(connection: MeasuredConnection): boolean {
  return connection.transport?.writable === true || connection.readyState === "closed";
}

function sizeOf(data: unknown): number {
  if (typeof data === "string") return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}
