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
  on(event: "flush", listener: (this: MeasuredConnection) => void): unknown;
}

export class OutboundBytes {
  /** Bytes in each connection's write buffer, counted as packets go in (walking it is O(n)). */
  private readonly queued = new WeakMap<object, { bytes: number; cut: boolean }>();
  // One pair of listeners for every connection (engine.io calls them with `this` = the
  // connection), rather than two closures per connection: thousands of sockets share them.
  private readonly onPacketCreate: (this: MeasuredConnection, packet: { data?: unknown }) => void;
  private readonly onFlush: (this: MeasuredConnection) => void;

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
      const state = outbound.queued.get(this);
      if (!state || state.cut) return;
      state.bytes += sizeOf(packet.data);
      const held = outbound.held(this);
      if (held <= options.budgetBytes) return;
      state.cut = true;
      // After the current write: engine.io is in the middle of queueing this packet.
      process.nextTick(cutConnection, this);
      options.onCut(held);
    };
    // A flush hands the whole write buffer to the transport, whose own buffer is measured apart.
    this.onFlush = function () {
      const state = outbound.queued.get(this);
      if (state) state.bytes = 0;
    };
  }

  /** Starts counting a new connection's outbound bytes; it is cut as soon as it goes over budget. */
  watch(connection: MeasuredConnection): void {
    this.queued.set(connection, { bytes: 0, cut: false });
    connection.on("packetCreate", this.onPacketCreate);
    connection.on("flush", this.onFlush);
  }

  /** Bytes `connection` holds for its client now. */
  held(connection: MeasuredConnection): number {
    const transport = connection.transport;
    // A transport that can take a packet now has handed everything to the kernel: nothing waits.
    if (transport?.writable) return 0;
    const inSocket = transport?.name === "websocket" ? (transport.socket?.bufferedAmount ?? 0) : 0;
    return (this.queued.get(connection)?.bytes ?? 0) + inSocket;
  }
}

function sizeOf(data: unknown): number {
  if (typeof data === "string") return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}
