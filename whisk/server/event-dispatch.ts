import type { Socket } from "socket.io";
import { toErrorPayload, toWhiskError, WhiskError } from "../core/errors";
import { ERROR_EVENT } from "../core/protocol";
import { failed, ok } from "../core/result";
import type { RouteContext } from "./definitions";
import { disconnectFlooder, EventRateGuard, type RateGuardConfig } from "./event-rate-guard";
import type { GatewayLimits } from "./gateway-limits";
import type { Logger } from "./logger";
import type { WhiskMetrics } from "./metrics";
import { type RouteEntry, runRoute } from "./route-table";
import { inSpan } from "./spans";

/** The route label of an event no route handles: one series, whatever names a client invents. */
export const UNKNOWN_ROUTE_LABEL = "(unknown)";

type Ack = (reply: unknown) => void;

/** What a socket needs once it sends: the `ctx` its routes get, and its rate budget. */
interface Sender<AppContext> {
  ctx: RouteContext<AppContext>;
  rate: EventRateGuard;
}

/**
 * Every client event of a gateway's sockets, from arrival to answer: its cost taken from the
 * socket's rate budget (a flooder is refused, then disconnected), its route run, and the handler's
 * value (or a typed error) sent back as the ack, or as a `whisk.error` event when there is no ack.
 * Each answer is timed by route and result code, and runs in a span when the bus carries traces.
 *
 * One listener for every socket (socket.io calls it with `this` = the socket), not closures per
 * socket; a socket's route context and budget are made at its first event, since most sockets
 * (a room's listeners) never send one. A fresh budget is full, as it would be by then anyway.
 */
export class EventDispatch<AppContext> {
  readonly #senders = new WeakMap<Socket, Sender<AppContext>>();
  readonly #onAny: (this: Socket, event: unknown, ...args: unknown[]) => void;
  readonly #rateConfig: RateGuardConfig;

  constructor(
    private readonly options: {
      routes: ReadonlyMap<string, RouteEntry>;
      limits: Pick<GatewayLimits, "eventBurst" | "eventsPerSecond" | "floodDisconnectAfter">;
      metrics: Pick<WhiskMetrics, "routeDuration" | "errors">;
      log: Logger;
      /** The `ctx` of the routes `socket` calls; made once, at its first event. */
      contextOf(socket: Socket): RouteContext<AppContext>;
    },
  ) {
    const { limits } = options;
    this.#rateConfig = { capacity: limits.eventBurst, perSecond: limits.eventsPerSecond, disconnectAfter: limits.floodDisconnectAfter };
    const dispatch = this;
    this.#onAny = function (event, ...args) {
      dispatch.#receive(this, event, args);
    };
  }

  /** Starts answering `socket`'s events. */
  attach(socket: Socket): void {
    // What socket.onAny does, with the array made at its size: onAny pushes onto a new empty
    // array, which V8 grows to 17 slots (152 bytes) for this one listener. listenersAny() reads it.
    const any = socket as unknown as { _anyListeners?: unknown[] };
    if (any._anyListeners === undefined) any._anyListeners = [this.#onAny];
    else socket.onAny(this.#onAny);
  }

  #receive(socket: Socket, event: unknown, args: unknown[]): void {
    const { routes, log } = this.options;
    const ack = typeof args.at(-1) === "function" ? (args.pop() as Ack) : undefined;
    const name = typeof event === "string" ? event : String(event);
    const startedAt = performance.now();
    const route = routes.get(name);
    const sender = this.#senderOf(socket);
    const verdict = sender.rate.check(route?.route.cost);
    if (verdict === "allow") {
      this.#answer(socket, sender.ctx, name, route ? name : UNKNOWN_ROUTE_LABEL, args[0], ack, startedAt);
      return;
    }
    reply(socket, name, ack, new WhiskError("RATE_LIMITED"));
    this.#record(route ? name : UNKNOWN_ROUTE_LABEL, "RATE_LIMITED", startedAt);
    if (verdict === "disconnect") {
      log.warn({ socket: socket.id, user: sender.ctx.user.id }, "flooding socket disconnected");
      disconnectFlooder(socket);
    }
  }

  #senderOf(socket: Socket): Sender<AppContext> {
    let sender = this.#senders.get(socket);
    if (!sender) {
      sender = { ctx: this.options.contextOf(socket), rate: new EventRateGuard(this.#rateConfig) };
      this.#senders.set(socket, sender);
    }
    return sender;
  }

  #answer(
    socket: Socket,
    ctx: RouteContext<AppContext>,
    event: string,
    label: string,
    payload: unknown,
    ack: Ack | undefined,
    startedAt: number,
  ) {
    const { routes, log } = this.options;
    const run = () =>
      runRoute(routes, event, payload, ctx)
        // Inside the chain: a value socket.io cannot serialise (a BigInt, a cycle) throws here,
        // and must become this client's INTERNAL error, not an unhandled rejection.
        .then((data) => ack?.(ok(data ?? null)));
    const answered = ctx.bus.tracing
      ? inSpan("route", label, { attributes: { "whisk.route": label, "whisk.socket": socket.id, "whisk.user": ctx.user.id } }, run)
      : run();
    answered
      .then(() => this.#record(label, "ok", startedAt))
      .catch((thrown: unknown) => {
        const error = toWhiskError(thrown);
        this.#record(label, error.code, startedAt);
        if (error.code === "INTERNAL") log.error({ err: error.cause, event: event.slice(0, 100) }, "route handler threw");
        try {
          reply(socket, event, ack, error);
        } catch (replyError) {
          log.error({ err: replyError }, "could not send an error reply");
        }
      });
  }

  #record(route: string, code: string, startedAt: number): void {
    const { metrics } = this.options;
    metrics.routeDuration.observe({ route, code }, (performance.now() - startedAt) / 1000);
    if (code !== "ok") metrics.errors.inc({ source: "route", code });
  }
}

/** An error goes back as the ack when there is one, else as a whisk.error event. */
function reply(socket: Socket, event: string, ack: Ack | undefined, error: WhiskError): void {
  const body = toErrorPayload(error);
  if (ack) ack(failed(body));
  else socket.emit(ERROR_EVENT, { event: event.slice(0, 100), error: body });
}
