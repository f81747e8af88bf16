import type { z } from "zod";
import type {
  KeptInHistory,
  ObserverContext,
  ObserverDefinition,
  RouteContext,
  RouteDefinition,
  WorkerContext,
  WorkerDefinition,
} from "./definitions";
import { checkSlowClientPolicy, type SlowClientPolicy } from "./slow-client-queues";

/**
 * The builders for one app, bound to its context type once (as tRPC's `initTRPC.context<C>()`),
 * so no handler needs a type annotation.
 *
 * @example
 * export const { route, observe, work } = createBuilders<AppContext>();
 * const say = route.input(z.object({ message: z.string() })).handle(({ message }, ctx) => ({ length: message.length }));
 */
export function createBuilders<AppContext>() {
  return {
    route: {
      input<S extends z.ZodType>(schema: S) {
        const handleWith =
          (cost?: number) =>
          <Output>(
            handler: (input: z.output<S>, ctx: RouteContext<AppContext>) => Output | Promise<Output>,
          ): RouteDefinition<S, Output, AppContext> =>
            cost === undefined ? { kind: "route", schema, handler } : { kind: "route", schema, handler, cost };
        return {
          handle: handleWith(),
          /**
           * What one call takes from the socket's event budget (`eventsPerSecond`), default 1: a
           * route that reads or sends much (a page of history) costs more, so a client calling it
           * in a loop is limited sooner than one sending messages.
           *
           * @example route.input(schema).cost(5).handle(...) // at most 4 a second at 20 events a second
           */
          cost(events: number) {
            if (!Number.isInteger(events) || events < 1)
              throw new Error(`A route's cost is a whole number of events, at least 1 (got ${events}).`);
            return { handle: handleWith(events) };
          },
        };
      },
    },
    observe<S extends z.ZodType>(schema: S) {
      return observerBuilder<S, AppContext>(schema, {});
    },
    work<S extends z.ZodType>(schema: S) {
      return {
        handle<Output = void>(
          handler: (payload: z.output<S>, ctx: WorkerContext<AppContext>) => Output | Promise<Output>,
        ): WorkerDefinition<S, Output, AppContext> {
          return { kind: "worker", schema, handler };
        },
      };
    },
  };
}

/** What an observer declares before its handler; each option may be given once, in any order. */
interface ObserverOptions<S extends z.ZodType> {
  slowClients?: SlowClientPolicy;
  kept?: KeptInHistory<z.output<S>>;
}

function observerBuilder<S extends z.ZodType, AppContext>(schema: S, options: ObserverOptions<S>) {
  return {
    handle<Output>(
      handler: (payload: z.output<S>, ctx: ObserverContext<AppContext>) => Output | undefined | Promise<Output | undefined>,
    ): ObserverDefinition<S, Output, AppContext> {
      return { kind: "observer", schema, handler, ...options };
    },
    /**
     * What this observer's slow readers get: `drop-oldest` (a queue of `maxQueued`, default
     * 100), `keep-latest` (only the newest) or `disconnect` (cut; the client reconnects and
     * resumes from history). Without it, a stalled reader is cut at `maxBufferedPackets`.
     *
     * @example observe(schema).slowClients({ policy: "drop-oldest", maxQueued: 100 }).handle((m) => m)
     */
    slowClients(policy: SlowClientPolicy) {
      return observerBuilder<S, AppContext>(schema, { ...options, slowClients: checkSlowClientPolicy(policy) });
    },
    /**
     * Says that every message of this topic is kept in its room's history stream before it is
     * published: after a bus gap (Redis went away and came back), each gateway delivers what its
     * rooms missed from there, once and in order.
     *
     * @example observe(schema).kept({ stream: (room) => `room:${room}`, position: (m) => m.position, payload: (entry, epoch) => ({ ...entry.message, position: { epoch, offset: entry.offset } }) })
     */
    kept(kept: KeptInHistory<z.output<S>>) {
      return observerBuilder<S, AppContext>(schema, { ...options, kept });
    },
  };
}
