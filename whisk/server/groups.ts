import { type Queue, queue, type Topic, topic } from "../bus/topic";
import type { AnyObserver, AnyRoute, AnyWorker } from "./definitions";

const GROUP_NAME = /^[a-z][a-zA-Z0-9]*$/;

function checkGroup(kind: string, name: string, keys: string[]) {
  if (!GROUP_NAME.test(name) || name === "whisk") {
    throw new Error(`${kind} group "${name}" needs a lower-camel name other than "whisk" (e.g. "room").`);
  }
  for (const key of keys) {
    if (!GROUP_NAME.test(key)) throw new Error(`${kind} "${name}.${key}" needs a lower-camel name (e.g. "say").`);
  }
}

/**
 * Who may call a route group: `members` (signed in, the default) or `guests` too (anyone holding
 * a session, including one made for a visitor who never signed in). Checked on the server before
 * the payload is read: a guest calling a members' route gets `FORBIDDEN`.
 */
export type RouteAccess = "members" | "guests";

export interface RouteGroup<Name extends string, Routes extends Record<string, AnyRoute>> {
  readonly kind: "routes";
  readonly name: Name;
  readonly routes: Routes;
  readonly access: RouteAccess;
}

/**
 * A group of client -> server events, one file per group: `defineRoutes("room", { say })`
 * handles the event `room.say`. The original Whisk's `define_route("room").on("say", ...)`.
 * Members only unless the group says `{ access: "guests" }`.
 */
export function defineRoutes<const Name extends string, Routes extends Record<string, AnyRoute>>(
  name: Name,
  routes: Routes,
  options: { access?: RouteAccess } = {},
): RouteGroup<Name, Routes> {
  checkGroup("Route", name, Object.keys(routes));
  const access = options.access ?? "members";
  if (access !== "members" && access !== "guests")
    throw new Error(`Route group "${name}": access is "members" or "guests" (got "${access}").`);
  return { kind: "routes", name, routes, access };
}

export interface ObserverGroup<Name extends string, Observers extends Record<string, AnyObserver>> {
  readonly kind: "observers";
  readonly name: Name;
  readonly observers: Observers;
  /** The bus topics these observers listen to, to publish to with `bus.to(...).publish(topic, payload)`. */
  readonly topics: { [K in keyof Observers & string]: Topic<`${Name}.${K}`, Observers[K]["schema"]> };
}

/** Observers for bus topics `group.key`; each emits the event of the same name to its sockets. */
export function defineObservers<const Name extends string, Observers extends Record<string, AnyObserver>>(
  name: Name,
  observers: Observers,
): ObserverGroup<Name, Observers> {
  checkGroup("Observer", name, Object.keys(observers));
  const topics = Object.fromEntries(Object.entries(observers).map(([key, o]) => [key, topic(`${name}.${key}`, o.schema)]));
  return { kind: "observers", name, observers, topics } as ObserverGroup<Name, Observers>;
}

export interface WorkerGroup<Name extends string, Workers extends Record<string, AnyWorker>> {
  readonly kind: "workers";
  readonly name: Name;
  readonly workers: Workers;
  /** The queues these workers consume, to send to with `bus.send(queue, payload)`. */
  readonly queues: {
    [K in keyof Workers & string]: Queue<`${Name}.${K}`, Workers[K]["schema"], Awaited<ReturnType<Workers[K]["handler"]>>>;
  };
}

/** Worker handlers for queues `group.key`: each job is taken by exactly one worker process. */
export function defineWorkers<const Name extends string, Workers extends Record<string, AnyWorker>>(
  name: Name,
  workers: Workers,
): WorkerGroup<Name, Workers> {
  checkGroup("Worker", name, Object.keys(workers));
  const queues = Object.fromEntries(Object.entries(workers).map(([key, w]) => [key, queue(`${name}.${key}`, w.schema)]));
  return { kind: "workers", name, workers, queues } as WorkerGroup<Name, Workers>;
}

export type AnyRouteGroup = RouteGroup<string, Record<string, AnyRoute>>;
export type AnyObserverGroup = ObserverGroup<string, Record<string, AnyObserver>>;
export type AnyWorkerGroup = WorkerGroup<string, Record<string, AnyWorker>>;
