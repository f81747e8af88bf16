import type { ClientRooms, ClientRoutes, ServerEvents } from "../server/app-types";
import type { WhiskAppDefinition } from "../server/whisk-app";
import { type InboxHandle, useInbox } from "./use-inbox";
import { type RoomPresence, usePresence } from "./use-presence";
import { type RoomHandle, type UseRoomOptions, useRoom } from "./use-room";
import { useWhisk, type WhiskHandle } from "./use-whisk";
import { useWhiskEvent } from "./use-whisk-event";
import { type RouteCaller, useWhiskRoute } from "./use-whisk-route";
import { WhiskProvider } from "./whisk-provider";

/**
 * The provider and hooks, typed for one app from `typeof app` alone. Call it once, in a client
 * module of your app (see `app/lib/whisk.ts`), and import the hooks from there: no generics at
 * call sites, no global type registry. Routes go client to server (`useWhiskRoute`), events
 * server to client (`useWhiskEvent`), as on the server; `useRoom` puts a component in a room.
 *
 * @example
 * "use client";
 * import type { WhiskApp } from "@/server/app";
 * export const { WhiskProvider, useWhisk, useWhiskRoute, useWhiskEvent } = createWhiskReact<WhiskApp>();
 * // in a component:
 * const say = useWhiskRoute("world.say"); // say.send({ message: "hi" }), say.pending, say.error
 * useWhiskEvent("world.said", (said) => console.log(said.user.name, said.message));
 */
export function createWhiskReact<App extends WhiskAppDefinition>() {
  type Routes = ClientRoutes<App>;
  type Events = ServerEvents<App>;
  type Rooms = ClientRooms<App>;
  return {
    WhiskProvider,
    useInbox: useInbox as <G extends keyof Rooms & string>(group: G) => InboxHandle<Rooms[G]["message"]>,
    usePresence: usePresence as unknown as <G extends keyof Rooms & string>(
      group: G,
      room: Rooms[G]["id"],
    ) => RoomPresence<Rooms[G]["presence"]>,
    useRoom: useRoom as unknown as <G extends keyof Rooms & string, Optimistic = Omit<Rooms[G]["message"], "room" | "position">>(
      group: G,
      room: Rooms[G]["id"],
      options?: UseRoomOptions<Rooms[G]["send"], Optimistic>,
    ) => RoomHandle<Rooms[G]["message"], Rooms[G]["send"], Rooms[G]["sent"], Optimistic>,
    useWhisk: useWhisk as () => WhiskHandle<Routes>,
    useWhiskRoute: useWhiskRoute as <E extends keyof Routes & string>(event: E) => RouteCaller<Routes[E]["input"], Routes[E]["output"]>,
    useWhiskEvent: useWhiskEvent as <E extends keyof Events & string>(event: E, handler: (payload: Events[E]) => void) => void,
  };
}
