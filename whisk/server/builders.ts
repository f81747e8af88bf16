import type { z } from "zod";
import type { ErrorCode } from "../core/errors";
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
        return routeBuilder<S, AppContext, unknown>(schema, {});
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

/** What a route declares before its handler, in any order. */
interface RouteOptions {
  cost?: number;
  output?: z.ZodType;
  refusals?: Partial<Record<ErrorCode, string>>;
}

function routeBuilder<S extends z.ZodType, AppContext, Declared>(schema: S, options: RouteOptions) {
  return {
    handle<Output extends Declared>(
      handler: (input: z.output<S>, ctx: RouteContext<AppContext>) => Output | Promise<Output>,
    ): RouteDefinition<S, Output, AppContext> {
      return { kind: "route", schema, handler, ...options };
    },
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
      return routeBuilder<S, AppContext, Declared>(schema, { ...options, cost: events });
    },
    /**
     * What the ack's `data` is, for the contract (docs/CONTRACT.md): the handler's return value
     * must fit it (checked by the compiler; nothing is parsed at run time).
     *
     * @example route.input(schema).output(z.object({ id: z.string() })).handle(() => ({ id }))
     */
    output<O extends z.ZodType>(output: O) {
      return routeBuilder<S, AppContext, z.input<O>>(schema, { ...options, output });
    },
    /**
     * The route's own refusals, by code, for the contract: what a client should expect besides
     * the refusals every route may answer.
     *
     * @example route.input(schema).refuses({ FORBIDDEN: "Enter the room first." })
     */
    refuses(refusals: Partial<Record<ErrorCode, string>>) {
      return routeBuilder<S, AppContext, Declared>(schema, { ...options, refusals: { ...options.refusals, ...refusals } });
    },
  };
}

/** What an observer declares before its handler; each option may be given once, in any order. */
interface ObserverOptions<S extends z.ZodType> {
  slowClients?: SlowClientPolicy;
  kept?: KeptInHistory<z.output<S>>;
  output?: z.ZodType;
}

function observerBuilder<S extends z.ZodType, AppContext, Declared = unknown>(schema: S, options: ObserverOptions<S>) {
  return {
    handle<Output extends Declared>(
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
      return observerBuilder<S, AppContext, Declared>(schema, { ...options, slowClients: checkSlowClientPolicy(policy) });
    },
    /**
     * What clients receive, for the contract, when the handler turns the topic's payload into
     * something else (without it, the contract shows the payload): the handler must return it.
     *
     * @example observe(jobSchema).output(z.object({ text: z.string() })).handle((job) => ({ text: job.title }))
     */
    output<O extends z.ZodType>(output: O) {
      return observerBuilder<S, AppContext, z.input<O>>(schema, { ...options, output });
    },
    /**
     * Says that every message of this topic is kept in its room's history stream before it is
     * published: after a bus gap (Redis went away and came back), each gateway delivers what its
     * rooms missed from there, once and in order.
     *
     * @example observe(schema).kept({ stream: (room) => `room:${room}`, position: (m) => m.position, payload: (entry, epoch) => ({ ...entry.message, position: { epoch, offset: entry.offset } }) })
     */
    kept(kept: KeptInHistory<z.output<S>>) {
      return observerBuilder<S, AppContext, Declared>(schema, { ...options, kept });
    },
  };
}
