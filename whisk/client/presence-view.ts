import type { PresenceUpdate } from "../core/protocol";

export type PresentUsers = PresenceUpdate["users"];

/**
 * A room's people after `update`: a snapshot replaces the list, a diff changes only the users it
 * names (`tabs: 0` removes one). Sorted by name, like the server's lists, so rendering is stable.
 */
export function applyPresenceUpdate(current: PresentUsers, update: PresenceUpdate): PresentUsers {
  if (update.kind === "snapshot") return sortByName(update.users);
  const byId = new Map(current.map((user) => [user.userId, user]));
  for (const user of update.users) {
    if (user.tabs > 0) byId.set(user.userId, user);
    else byId.delete(user.userId);
  }
  return sortByName([...byId.values()]);
}

function sortByName(users: PresentUsers): PresentUsers {
  return [...users].sort((a, b) => a.userName.localeCompare(b.userName) || a.userId.localeCompare(b.userId));
}
