import { z } from "zod";
import { WhiskError } from "../core/errors";
import type { PresenceStore } from "../presence/presence-store";
import { describeApp } from "./contract";
import type { AnyRoute, RouteContext } from "./definitions";
import type { GatewayDirectory } from "./gateway-directory";
import type { RouteGroup } from "./groups";
import { toPayloadIssues } from "./payload-issues";
import { createRouteTable } from "./route-table";
import type { WhiskAppDefinition } from "./whisk-app";

/** What the devtools routes read: the app as it runs now (a development reload replaces it), and the shared stores. */
export interface DevtoolsSources {
  /** Off in production: every devtools route is then refused, whatever a client sends. */
  enabled: boolean;
  app: () => WhiskAppDefinition;
  presence: PresenceStore;
  /** The gateways announced in Redis, when there is a directory (scaled out). */
  directory?: GatewayDirectory;
}

/** People listed per room: a room of thousands answers with its first 50 and its count, not megabytes every 2 s. */
export const MAX_PRESENT_SHOWN = 50;

/** The group's name, `whisk`, is Whisk's own (an app's groups may not take it): its events cannot clash with the app's. */
export const DEVTOOLS_GROUP = "whisk";

const refusedInProduction = () =>
  new WhiskError("FORBIDDEN", "The devtools run in development only (npm run dev); this server is in production.");

/** A devtools route: any signed-in or guest socket in development, nobody in production. */
function devtoolsRoute<S extends z.ZodType, Output>(
  sources: DevtoolsSources,
  schema: S,
  handler: (input: z.output<S>, ctx: RouteContext<unknown>) => Output | Promise<Output>,
): AnyRoute {
  return {
    kind: "route",
    schema,
    handler: (input: z.output<S>, ctx: RouteContext<unknown>) => {
      if (!sources.enabled) throw refusedInProduction();
      return handler(input, ctx);
    },
  } as AnyRoute;
}

/**
 * The server side of the devtools panel (whisk/react/devtools): the routes `whisk.describe`
 * (this node, the live gateways, the app's routes, events and queues with their schemas),
 * `whisk.inspect` (the rooms this socket is in, with who is present on every node: the first
 * MAX_PRESENT_SHOWN sockets of each, and how many there are),
 * `whisk.check` (a payload against a route's schema, without running it) and `whisk.ping`
 * (for the round-trip time). Presence and the gateways come from the shared stores: in Redis
 * mode the panel sees every node, not just its own.
 */
export function devtoolsRoutes(sources: DevtoolsSources): RouteGroup<typeof DEVTOOLS_GROUP, Record<string, AnyRoute>> {
  const route = <S extends z.ZodType, Output>(
    schema: S,
    handler: (input: z.output<S>, ctx: RouteContext<unknown>) => Output | Promise<Output>,
  ) => devtoolsRoute(sources, schema, handler);
  const routes = {
    describe: route(z.object({}), async (_input, ctx) => {
      const gateways = (await sources.directory?.live().catch(() => [])) ?? [];
      return { node: ctx.node.id, gateways, ...describeApp(sources.app()) };
    }),
    inspect: route(z.object({}), async (_input, ctx) => {
      const rooms = await Promise.all(
        ctx.socket.rooms().map(async (room) => {
          const entries = await sources.presence.list(room);
          const present = entries
            .slice(0, MAX_PRESENT_SHOWN)
            .map(({ userId, userName, nodeId, state }) => ({ userId, userName, nodeId, state }));
          return { room, present, count: entries.length };
        }),
      );
      return { node: ctx.node.id, socket: ctx.socket.id, user: ctx.user, session: ctx.session.kind, rooms };
    }),
    check: route(z.object({ event: z.string().max(200), payload: z.unknown() }), ({ event, payload }) => {
      const found = createRouteTable(sources.app().routes).get(event);
      if (!found) throw new WhiskError("UNKNOWN_EVENT", `No route handles "${event.slice(0, 100)}".`);
      const parsed = found.route.schema.safeParse(payload);
      return parsed.success ? { valid: true as const } : { valid: false as const, issues: toPayloadIssues(parsed.error) };
    }),
    ping: route(z.object({}), () => ({ at: Date.now() })),
  };
  return { kind: "routes", name: DEVTOOLS_GROUP, routes, access: "guests" };
}
