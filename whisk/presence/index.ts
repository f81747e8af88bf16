/**
 * Who is in each room, across every gateway, counted per user.
 *
 * @example
 * const users = groupPresence(await presence.list("beach")); // [{ userId, userName, tabs }]
 */
export { MemoryPresenceStore } from "./memory-presence-store";
export { groupPresence, type PresenceEntry, type PresenceStore, type PresentUser } from "./presence-store";
export { RedisPresenceStore } from "./redis-presence-store";
