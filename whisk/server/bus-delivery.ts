import type { Server, Socket } from "socket.io";
import { localRoomsFor } from "../core/address";
import type { Envelope } from "../core/envelope";
import type { HistoryStore } from "../history/history-store";
import type { AnyObserver, HandlerContext } from "./definitions";
import { DeliveryQueue } from "./delivery-queue";
import type { GatewayLimits } from "./gateway-limits";
import { HistoryGapFiller } from "./history-gap-filler";
import type { Logger } from "./logger";
import type { WhiskMetrics } from "./metrics";
import { deliverEnvelope } from "./observer-delivery";
import type { MeasuredConnection, OutboundBytes } from "./outbound-bytes";
import { SlowClientQueues, type SlowClientSocket } from "./slow-client-queues";
import { inSpan } from "./spans";

/**
 * Queued like an envelope when the bus connection is back after a gap, ahead of anything it
 * brings: once the subscriptions are live, fill the gap; what arrives meanwhile waits behind it.
 */
type FillGap = { fillGap: Promise<void> };

/**
 * The gateway's side of the bus: every envelope published, in order, through its observer to the
 * sockets this gateway holds; a slow reader served by its observer's policy, each outcome counted.
 * After a bus gap, the rooms' missed messages come from history first (history-gap-filler.ts).
 */
export function startBusDelivery<AppContext>(
  io: Server,
  options: {
    observers: ReadonlyMap<string, AnyObserver>;
    history: HistoryStore;
    ctx: HandlerContext<AppContext>;
    limits: Pick<GatewayLimits, "slowClientAfterPackets" | "slowClientAfterBytes">;
    outbound: OutboundBytes;
    metrics: WhiskMetrics;
    log: Logger;
  },
): { slowClients: SlowClientQueues; stop(): void } {
  const { ctx, metrics, log } = options;
  // Each engine.io connection's socket.io socket: outbound-bytes.ts knows which connections lag.
  const socketOf = new WeakMap<object, SlowClientSocket>();
  // (engine.io's types keep `writeBuffer` private; slow-client-queues.ts reads it all the same.)
  const remember = (socket: Socket) => socketOf.set(socket.conn, socket as unknown as SlowClientSocket);
  io.on("connection", remember);
  const slowClients = new SlowClientQueues({
    slowAfterPackets: options.limits.slowClientAfterPackets,
    slowAfterBytes: options.limits.slowClientAfterBytes,
    bytesHeld: (connection) => options.outbound.held(connection as unknown as MeasuredConnection),
    *candidates() {
      for (const connection of options.outbound.holding()) {
        const socket = socketOf.get(connection);
        if (socket) yield socket;
      }
    },
    events: {
      dropped: (topic) => metrics.slowClientDropped.inc({ topic }),
      replaced: (topic) => metrics.slowClientReplaced.inc({ topic }),
      disconnected: (topic, socketId) => {
        log.warn({ socket: socketId, topic }, "slow reader cut by its observer's policy");
        metrics.slowClientDisconnects.inc({ topic, reason: "policy" });
      },
    },
  });
  const adapter = io.of("/").adapter;
  const localRooms = adapter.rooms;
  const gaps = new HistoryGapFiller({
    history: options.history,
    observers: options.observers,
    nodeId: ctx.node.id,
    log,
    onFilled: (messages) => metrics.busGapFilled.inc(messages),
  });
  const noteHeld = (room: string) => {
    if (gaps.active)
      gaps.roomHeld(room).catch((error) => log.warn({ err: String(error), room }, "could not note a room's history position"));
  };
  const forget = (room: string) => gaps.roomLeft(room);
  adapter.on("create-room", noteHeld);
  adapter.on("delete-room", forget);

  const tracing = ctx.bus.tracing;
  const deliverNow = (envelope: Envelope, rooms: "all" | string[]) =>
    deliverEnvelope(io, options.observers, envelope, ctx, slowClients, rooms).catch((error) =>
      log.error({ err: error, topic: envelope.topic }, "observer threw; message not delivered"),
    );
  // A traced envelope's delivery joins the trace of the route or job that published it.
  const deliver = (envelope: Envelope, rooms: "all" | string[]) =>
    tracing && envelope.trace
      ? inSpan("delivery", envelope.topic, { traceParent: envelope.trace }, () => deliverNow(envelope, rooms))
      : deliverNow(envelope, rooms);
  const deliverLive = (envelope: Envelope) => {
    const rooms = localRoomsFor(envelope.to, ctx.node.id);
    const hereToo = rooms === "all" || rooms.some((room) => localRooms.has(room));
    if (!hereToo) {
      // Nobody here to emit to: the observer's work would reach no socket.
      metrics.busEnvelopes.inc({ outcome: "no_recipient_here" });
      return Promise.resolve();
    }
    const fresh = rooms === "all" ? rooms : gaps.roomsToDeliver(envelope, rooms);
    metrics.busEnvelopes.inc({ outcome: fresh.length === 0 ? "filled_before" : "delivered" });
    return fresh.length === 0 ? Promise.resolve() : deliver(envelope, fresh);
  };
  const fillGap = async (live: Promise<void>) => {
    metrics.busResubscriptions.inc();
    if (!gaps.active) return;
    try {
      await live;
      for (const envelope of await gaps.missed(localRooms.keys())) await deliver(envelope, localRoomsFor(envelope.to, ctx.node.id));
    } catch (error) {
      log.warn({ err: String(error) }, "could not fill a bus gap from history; clients resume from it when they reconnect");
    }
  };
  const deliveries = new DeliveryQueue<Envelope | FillGap>((item) => ("fillGap" in item ? fillGap(item.fillGap) : deliverLive(item)));
  const stopListening = ctx.bus.onPublished((envelope) => deliveries.push(envelope));
  const stopFilling = ctx.bus.onResubscribed((live) => deliveries.push({ fillGap: live }));
  return {
    slowClients,
    stop() {
      stopListening();
      stopFilling();
      io.off("connection", remember);
      adapter.off("create-room", noteHeld);
      adapter.off("delete-room", forget);
      slowClients.close();
    },
  };
}
