import type { z } from "zod";
import type { AnyRoute } from "./definitions";
import type { ObserverGroup, RouteGroup } from "./groups";
import type { WhiskAppDefinition } from "./whisk-app";

type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void ? I : never;
type Flatten<T> = { [K in keyof T]: T[K] };

type RoutesOfGroup<G> =
  G extends RouteGroup<infer Name, infer Routes> ? { [K in keyof Routes & string as `${Name}.${K}`]: Routes[K] } : never;

type ObserversOfGroup<G> =
  G extends ObserverGroup<infer Name, infer Observers> ? { [K in keyof Observers & string as `${Name}.${K}`]: Observers[K] } : never;

type RouteInput<R> = R extends AnyRoute ? z.input<R["schema"]> : never;
type RouteOutput<R> = R extends { handler: (...args: never[]) => infer O } ? Awaited<O> : never;
type ObserverOutput<O> = O extends { handler: (...args: never[]) => infer Out } ? Exclude<Awaited<Out>, undefined> : never;

/**
 * Client -> server events of an app: `{ "room.say": { input, output } }`, where `output` is the
 * ack's data. Computed from `typeof app` alone.
 */
export type ClientRoutes<App extends WhiskAppDefinition> = Flatten<{
  [E in keyof UnionToIntersection<RoutesOfGroup<App["routes"][number]>>]: {
    input: RouteInput<UnionToIntersection<RoutesOfGroup<App["routes"][number]>>[E]>;
    output: RouteOutput<UnionToIntersection<RoutesOfGroup<App["routes"][number]>>[E]>;
  };
}>;

/** Server -> client events of an app: `{ "room.message": payload }`, one per observer. */
export type ServerEvents<App extends WhiskAppDefinition> = Flatten<{
  [E in keyof UnionToIntersection<ObserversOfGroup<App["observers"][number]>>]: ObserverOutput<
    UnionToIntersection<ObserversOfGroup<App["observers"][number]>>[E]
  >;
}>;

export type RouteName<App extends WhiskAppDefinition> = keyof ClientRoutes<App> & string;
export type ServerEventName<App extends WhiskAppDefinition> = keyof ServerEvents<App> & string;

type RoomTypes<Routes, Events, Name extends string> = {
  /** A room id of the group, as its join route takes it. */
  id: Routes extends Record<`${Name}.join`, { input: { room: infer Id } }> ? Id : never;
  /** A message of the group, as its clients receive it. */
  message: Events extends Record<`${Name}.message`, infer Message> ? Message : never;
  /** What `<group>.send` takes, but the room and the client id (`useRoom` adds both); `never` when the group has no send. */
  send: Routes extends Record<`${Name}.send`, { input: infer Input; output: unknown }> ? Omit<Input, "room" | "clientId"> : never;
  /** What a person may say about themselves in the group's rooms (`usePresence(...).update`); `never` without `presence`. */
  presence: Routes extends Record<`${Name}.presence`, { input: { state: infer State } }> ? State : never;
  /** What `<group>.send` answers. */
  sent: Routes extends Record<`${Name}.send`, { input: unknown; output: infer Output }> ? Output : never;
};

/** The room groups of an app (`defineRooms`), by name: each one's ids, messages and send, for `useRoom`. */
export type ClientRooms<App extends WhiskAppDefinition> = {
  [Name in App["rooms"][number]["name"]]: RoomTypes<ClientRoutes<App>, ServerEvents<App>, Name>;
};
