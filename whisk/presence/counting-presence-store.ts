import { MemoryPresenceStore } from "./memory-presence-store";

/** For tests: a memory presence store that counts how often a room is read. */
export function countingPresenceStore(): { store: MemoryPresenceStore; reads: () => number } {
  const store = new MemoryPresenceStore();
  let reads = 0;
  const list = store.list.bind(store);
  store.list = (room: string) => {
    reads += 1;
    return list(room);
  };
  return { store, reads: () => reads };
}
