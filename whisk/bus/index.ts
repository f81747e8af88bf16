/**
 * The bus: typed topics and queues, immutable targets, and transports that only carry.
 *
 * @example
 * const bus = new Bus(new MemoryTransport(), "node-1");
 * await bus.to(toUser("u1")).publish(world.topics.said, { text: "hi" });
 */
export { Bus, BusTarget } from "./bus";
export { channelOf, DEFAULT_BUS_SLOTS } from "./bus-channels";
export { MemoryTransport } from "./memory-transport";
export { RedisTransport, type RedisTransportOptions } from "./redis-transport";
export { type Queue, queue, type Topic, topic } from "./topic";
export type { BusTransport, StopConsuming, Unsubscribe } from "./transport";
