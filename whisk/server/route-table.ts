import { WhiskError } from "../core/errors";
import type { AnyRoute, RouteContext } from "./definitions";
import type { AnyRouteGroup, RouteAccess } from "./groups";
import { toPayloadIssues } from "./payload-issues";

/** A route and who may call it (its group's access). */
export interface RouteEntry {
  readonly route: AnyRoute;
  readonly access: RouteAccess;
  readonly group: string;
}

/** Every route of an app by its event name, `group.event`. */
export function createRouteTable(groups: readonly AnyRouteGroup[]): ReadonlyMap<string, RouteEntry> {
  const table = new Map<string, RouteEntry>();
  for (const group of groups) {
    for (const [key, route] of Object.entries(group.routes))
      table.set(`${group.name}.${key}`, { route, access: group.access, group: group.name });
  }
  return table;
}

/**
 * Runs one client event: finds its route, validates the payload, runs the handler, and returns
 * the handler's value. Every failure is thrown as a WhiskError (or wrapped as INTERNAL by the caller).
 */
export async function runRoute<AppContext>(
  table: ReadonlyMap<string, RouteEntry>,
  event: string,
  payload: unknown,
  ctx: RouteContext<AppContext>,
): Promise<unknown> {
  const entry = table.get(event);
  if (!entry) throw new WhiskError("UNKNOWN_EVENT", `No route handles "${event.slice(0, 100)}".`);
  // Before the payload is read: a guest learns nothing about a members' route but that it is one.
  if (entry.access === "members" && ctx.session.kind !== "member") {
    throw new WhiskError("FORBIDDEN", `Sign in first: ${entry.group}.* is for signed-in users.`);
  }
  const { route } = entry;
  const parsed = route.schema.safeParse(payload);
  if (!parsed.success) {
    throw new WhiskError("BAD_PAYLOAD", `The payload of "${event}" does not match its schema.`, {
      issues: toPayloadIssues(parsed.error),
    });
  }
  return route.handler(parsed.data, ctx);
}
