import { WhiskError } from "../core/errors";
import type { AnyRoute, RouteContext } from "./definitions";
import type { AnyRouteGroup } from "./groups";
import { toPayloadIssues } from "./payload-issues";

/** Every route of an app by its event name, `group.event`. */
export function createRouteTable(groups: readonly AnyRouteGroup[]): ReadonlyMap<string, AnyRoute> {
  const table = new Map<string, AnyRoute>();
  for (const group of groups) {
    for (const [key, route] of Object.entries(group.routes)) table.set(`${group.name}.${key}`, route);
  }
  return table;
}

/**
 * Runs one client event: finds its route, validates the payload, runs the handler, and returns
 * the handler's value. Every failure is thrown as a WhiskError (or wrapped as INTERNAL by the caller).
 */
export async function runRoute<AppContext>(
  table: ReadonlyMap<string, AnyRoute>,
  event: string,
  payload: unknown,
  ctx: RouteContext<AppContext>,
): Promise<unknown> {
  const route = table.get(event);
  if (!route) throw new WhiskError("UNKNOWN_EVENT", `No route handles "${event.slice(0, 100)}".`);
  const parsed = route.schema.safeParse(payload);
  if (!parsed.success) {
    throw new WhiskError("BAD_PAYLOAD", `The payload of "${event}" does not match its schema.`, {
      issues: toPayloadIssues(parsed.error),
    });
  }
  return route.handler(parsed.data, ctx);
}
