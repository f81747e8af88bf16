import type { AnyObserver } from "./definitions";
import type { WhiskHooks } from "./hooks";
import { createObserverTable } from "./observer-delivery";
import { createRouteTable, type RouteEntry } from "./route-table";
import type { WhiskAppDefinition } from "./whisk-app";

/** An app's code as a gateway runs it: routes and observers by name, and the hooks. */
export interface AppCode<AppContext> {
  app: WhiskAppDefinition;
  hooks: WhiskHooks<AppContext>;
}

/**
 * The code one gateway runs, swappable in place (development reload). The tables and the hooks
 * object keep their identity and only their contents change, so each socket's dispatch, the bus
 * delivery and the refusal reports read the new code at their next event without being rebuilt,
 * and no socket is disconnected.
 */
export class SwappableCode<AppContext> {
  readonly routes = new Map<string, RouteEntry>();
  readonly observers = new Map<string, AnyObserver>();
  readonly hooks: WhiskHooks<AppContext> = {};

  constructor(
    code: AppCode<AppContext>,
    /** Throws when a route table cannot be served (a route costing more than the burst). */
    private readonly checkRoutes: (routes: ReadonlyMap<string, RouteEntry>) => void,
  ) {
    this.prepareSwap(code)();
  }

  /** Checks new code and returns its swap; throws, changing nothing, when it cannot be served. */
  prepareSwap(code: AppCode<AppContext>): () => void {
    const routes = createRouteTable(code.app.routes);
    this.checkRoutes(routes);
    const observers = createObserverTable(code.app.observers);
    return () => {
      refill(this.routes, routes);
      refill(this.observers, observers);
      for (const name of Object.keys(this.hooks) as (keyof WhiskHooks<AppContext>)[]) delete this.hooks[name];
      Object.assign(this.hooks, code.hooks);
    };
  }
}

function refill<Key, Value>(target: Map<Key, Value>, source: ReadonlyMap<Key, Value>): void {
  target.clear();
  for (const [key, value] of source) target.set(key, value);
}
