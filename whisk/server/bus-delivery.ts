import type { Server } from "socket.io";
import { localRoomsFor } from "../core/address";
import type { AnyObserver, HandlerContext } from "./definitions";
import { DeliveryQueue } from "./delivery-queue";
import type { GatewayLimits } from "./gateway-limits";
import type { Logger } from "./logger";
import type { WhiskMetrics } from "./metrics";
import { deliverEnvelope } from "./observer-delivery";
import type { MeasuredConnection, OutboundBytes } from "./outbound-bytes";
import { SlowClientQueues } from "./slow-client-queues";

/**
 * The gateway's side of the bus: every envelope published, in order, through its observer to the
 * sockets this gateway holds; a slow reader served by its observer's policy, each outcome counted.
 */
export function startBusDelivery<AppContext>(
  io: Server,
  options: {
    observers: ReadonlyMap<string, AnyObserver>;
    ctx: HandlerContext<AppContext>;
    limits: Pick<GatewayLimits, "slowClientAfterPackets" | "slowClientAfterBytes">;
    outbound: OutboundBytes;
    metrics: WhiskMetrics;
    log: Logger;
  },
): { slowClients: SlowClientQueues; stop(): void } {
  const { ctx, metrics, log } = options;
  const slowClients = new SlowClientQueues({
    slowAfterPackets: options.limits.slowClientAfterPackets,
    slowAfterBytes: options.limits.slowClientAfterBytes,
    bytesHeld: (connection) => options.outbound.held(connection as unknown as MeasuredConnection),
    events: {
      dropped: (topic) => metrics.slowClientDropped.inc({ topic }),
      replaced: (topic) => metrics.slowClientReplaced.inc({ topic }),
      disconnected: (topic, socketId) => {
        log.warn({ socket: socketId, topic }, "slow reader cut by its observer's policy");
        metrics.slowClientDisconnects.inc({ topic, reason: "policy" });
      },
    },
  });
  const localRooms = io.of("/").adapter.rooms;
  const deliveries = new DeliveryQueue((envelope) => {
    const rooms = localRoomsFor(envelope.to, ctx.node.id);
    const hereToo = rooms === "all" || rooms.some((room) => localRooms.has(room));
    metrics.busEnvelopes.inc({ outcome: hereToo ? "delivered" : "no_recipient_here" });
    // Nobody here to emit to: the observer's work would reach no socket.
    if (!hereToo) return Promise.resolve();
    return deliverEnvelope(io, options.observers, envelope, ctx, slowClients, rooms).catch((error) =>
      log.error({ err: error, topic: envelope.topic }, "observer threw; message not delivered"),
    );
  });
  const stopListening = ctx.bus.onPublished((envelope) => deliveries.push(envelope));
  return {
    slowClients,
    stop() {
      stopListening();
      slowClients.close();
    },
  };
}
