import type { AnyObserverGroup, AnyRouteGroup, AnyWorkerGroup } from "./groups";

export interface WhiskAppDefinition<
  Routes extends readonly AnyRouteGroup[] = readonly AnyRouteGroup[],
  Observers extends readonly AnyObserverGroup[] = readonly AnyObserverGroup[],
  Workers extends readonly AnyWorkerGroup[] = readonly AnyWorkerGroup[],
> {
  readonly routes: Routes;
  readonly observers: Observers;
  readonly workers: Workers;
}

/**
 * The list of an app's route, observer and worker groups: the single source of truth for the
 * server, and, through `typeof app`, for the client's types.
 *
 * @example
 * export const app = defineWhiskApp({ routes: [roomRoutes], observers: [roomObservers], workers: [] });
 * export type WhiskApp = typeof app;
 */
export function defineWhiskApp<
  const Routes extends readonly AnyRouteGroup[],
  const Observers extends readonly AnyObserverGroup[],
  const Workers extends readonly AnyWorkerGroup[],
>(definition: { routes: Routes; observers: Observers; workers: Workers }): WhiskAppDefinition<Routes, Observers, Workers> {
  for (const kind of ["routes", "observers", "workers"] as const) {
    const names = definition[kind].map((group) => group.name);
    const repeated = names.find((name, index) => names.indexOf(name) !== index);
    if (repeated) throw new Error(`The ${kind} group "${repeated}" is listed twice in defineWhiskApp; list each group once.`);
  }
  return definition;
}
