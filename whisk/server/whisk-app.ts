import type { AnyRoomGroup } from "./define-rooms";
import type { AnyObserverGroup, AnyRouteGroup, AnyWorkerGroup } from "./groups";

export interface WhiskAppDefinition<
  Routes extends readonly AnyRouteGroup[] = readonly AnyRouteGroup[],
  Observers extends readonly AnyObserverGroup[] = readonly AnyObserverGroup[],
  Workers extends readonly AnyWorkerGroup[] = readonly AnyWorkerGroup[],
  Rooms extends readonly AnyRoomGroup[] = readonly AnyRoomGroup[],
> {
  /** Every route group, the rooms' own (`<group>.join`, ...) included. */
  readonly routes: Routes;
  /** Every observer group, the rooms' own (`<group>.message`) included. */
  readonly observers: Observers;
  readonly workers: Workers;
  readonly rooms: Rooms;
}

type RoutesOfRooms<Rooms extends readonly AnyRoomGroup[]> = { [K in keyof Rooms]: Rooms[K]["routes"] };
type ObserversOfRooms<Rooms extends readonly AnyRoomGroup[]> = { [K in keyof Rooms]: Rooms[K]["observers"] };

/**
 * The list of an app's room, route, observer and worker groups: the single source of truth for
 * the server, and, through `typeof app`, for the client's types.
 *
 * @example
 * export const app = defineWhiskApp({ rooms: [chatRooms], routes: [roomRoutes], observers: [worldObservers], workers: [] });
 * export type WhiskApp = typeof app;
 */
export function defineWhiskApp<
  const Routes extends readonly AnyRouteGroup[],
  const Observers extends readonly AnyObserverGroup[],
  const Workers extends readonly AnyWorkerGroup[],
  const Rooms extends readonly AnyRoomGroup[] = readonly [],
>(definition: {
  rooms?: Rooms;
  routes: Routes;
  observers: Observers;
  workers: Workers;
}): WhiskAppDefinition<readonly [...Routes, ...RoutesOfRooms<Rooms>], readonly [...Observers, ...ObserversOfRooms<Rooms>], Workers, Rooms> {
  const rooms = definition.rooms ?? ([] as unknown as Rooms);
  const app = {
    rooms,
    routes: [...definition.routes, ...rooms.map((group) => group.routes)],
    observers: [...definition.observers, ...rooms.map((group) => group.observers)],
    workers: definition.workers,
  };
  checkListedOnce("rooms", rooms, []);
  checkListedOnce(
    "routes",
    app.routes,
    app.routes.map((group) => Object.keys(group.routes)),
  );
  checkListedOnce(
    "observers",
    app.observers,
    app.observers.map((group) => Object.keys(group.observers)),
  );
  checkListedOnce(
    "workers",
    app.workers,
    app.workers.map((group) => Object.keys(group.workers)),
  );
  return app as unknown as WhiskAppDefinition<
    readonly [...Routes, ...RoutesOfRooms<Rooms>],
    readonly [...Observers, ...ObserversOfRooms<Rooms>],
    Workers,
    Rooms
  >;
}

/**
 * Each group listed once, and each event or queue defined once: two groups may share a name (a
 * room group "room" and the app's own "room" routes) as long as their keys differ.
 */
function checkListedOnce(kind: string, groups: readonly { name: string }[], keysOfGroups: readonly string[][]) {
  const seen = new Map<string, string>();
  groups.forEach((group, index) => {
    if (groups.indexOf(group) !== index || (kind === "rooms" && groups.findIndex((other) => other.name === group.name) !== index))
      throw new Error(`The ${kind} group "${group.name}" is listed twice in defineWhiskApp; list each group once.`);
    for (const key of keysOfGroups[index] ?? []) {
      const event = `${group.name}.${key}`;
      if (seen.has(event))
        throw new Error(
          `The ${kind} group "${group.name}" is listed twice in defineWhiskApp, or two groups define "${event}"; define it once.`,
        );
      seen.set(event, group.name);
    }
  });
}
