import type { Server } from "socket.io";
import { checkedAgainst } from "../bus/topic";
import { localRoomsFor } from "../core/address";
import type { Envelope } from "../core/envelope";
import { DISCONNECT_TOPIC, PRESENCE_TOPIC } from "../core/protocol";
import type { AnyObserver, HandlerContext } from "./definitions";
import type { AnyObserverGroup } from "./groups";
import type { SlowClientQueues, SlowClientSocket, SlowClientTarget } from "./slow-client-queues";

export function createObserverTable(groups: readonly AnyObserverGroup[]): ReadonlyMap<string, AnyObserver> {
  const table = new Map<string, AnyObserver>();
  for (const group of groups) {
    for (const [key, observer] of Object.entries(group.observers)) table.set(`${group.name}.${key}`, observer);
  }
  return table;
}

/**
 * One gateway's side of a bus message: run the topic's observer and emit its result to the local
 * sockets the envelope addresses. Sockets held by other gateways are theirs to serve. An observer
 * with a slow-client policy goes through `slowClients` (one broadcast to the fast sockets, the
 * policy for each slow one); without one, everyone gets one broadcast.
 */
export async function deliverEnvelope<AppContext>(
  io: Server,
  observers: ReadonlyMap<string, AnyObserver>,
  envelope: Envelope,
  ctx: HandlerContext<AppContext>,
  slowClients?: SlowClientQueues,
  /** The local rooms it addresses, when the caller has them already (`localRoomsFor`). */
  rooms: "all" | string[] = localRoomsFor(envelope.to, ctx.node.id),
): Promise<void> {
  if (rooms !== "all" && rooms.length === 0) return;
  const addressed = rooms === "all" ? io.local : io.local.to(rooms);
  const target = envelope.except.length > 0 ? addressed.except(envelope.except) : addressed;

  if (envelope.topic === DISCONNECT_TOPIC) {
    target.disconnectSockets(true);
    return;
  }
  if (envelope.topic === PRESENCE_TOPIC) {
    target.emit(PRESENCE_TOPIC, envelope.payload);
    return;
  }
  const observer = observers.get(envelope.topic);
  if (!observer && envelope.topic.startsWith("whisk.")) return;
  if (!observer) {
    ctx.log.debug({ topic: envelope.topic }, "no observer for topic; message ignored");
    return;
  }
  // Published by this process, checked against this very schema: parsing again finds the same.
  const parsed = checkedAgainst(envelope.payload, observer.schema)
    ? { success: true as const, data: envelope.payload }
    : observer.schema.safeParse(envelope.payload);
  if (!parsed.success) {
    ctx.log.warn({ topic: envelope.topic, envelopeId: envelope.id }, "bus message does not match its observer's schema; dropped");
    return;
  }
  const output = await observer.handler(parsed.data, { ...ctx, from: envelope.from });
  if (output === undefined) return;
  if (observer.slowClients && slowClients) {
    await slowClients.deliver(reaching(target, rooms, envelope.except), envelope.topic, output, observer.slowClients);
  } else target.emit(envelope.topic, output);
}

/**
 * The broadcast, able to say whether it reaches a local socket from the rooms that socket is in,
 * so the slow-client check looks only at the sockets that lag, not at everyone addressed.
 */
function reaching(target: Omit<SlowClientTarget, "addresses">, rooms: "all" | string[], except: readonly string[]): SlowClientTarget {
  const isIn = (socket: SlowClientSocket, names: readonly string[]) => names.some((name) => socket.rooms?.has(name));
  return {
    emit: (event, payload) => target.emit(event, payload),
    except: (ids) => target.except(ids),
    addresses: (socket) => (rooms === "all" || isIn(socket, rooms)) && !isIn(socket, except),
  };
}
