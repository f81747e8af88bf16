import type { Socket } from "socket.io";
import { toErrorPayload, toWhiskError, WhiskError } from "../core/errors";
import { ERROR_EVENT } from "../core/protocol";
import { failed, ok } from "../core/result";
import type { RouteContext } from "./definitions";
import { createEventRateGuard, disconnectFlooder } from "./event-rate-guard";
import type { GatewayLimits } from "./gateway-limits";
import type { Logger } from "./logger";
import type { WhiskMetrics } from "./metrics";
import { type RouteEntry, runRoute } from "./route-table";
import { inSpan } from "./spans";

/** The route label of an event no route handles: one series, whatever names a client invents. */
export const UNKNOWN_ROUTE_LABEL = "(unknown)";

type Ack = (reply: unknown) => void;

/**
 * Every client event of one socket, from arrival to answer: its cost taken from the socket's
 * rate budget (a flooder is refused, then disconnected), its route run, and the handler's value
 * (or a typed error) sent back as the ack, or as a `whisk.error` event when there is no ack.
 * Each answer is timed by route and result code, and runs in a span when the bus carries traces.
 */
export function dispatchEvents<AppContext>(
  socket: Socket,
  ctx: RouteContext<AppContext>,
  options: {
    routes: ReadonlyMap<string, RouteEntry>;
    limits: Pick<GatewayLimits, "eventBurst" | "eventsPerSecond" | "floodDisconnectAfter">;
    metrics: Pick<WhiskMetrics, "routeDuration" | "errors">;
    log: Logger;
  },
): void {
  const { routes, metrics, log } = options;
  const tracing = ctx.bus.tracing;
  const record = (route: string, code: string, startedAt: number) => {
    metrics.routeDuration.observe({ route, code }, (performance.now() - startedAt) / 1000);
    if (code !== "ok") metrics.errors.inc({ source: "route", code });
  };
  const rate = createEventRateGuard({
    capacity: options.limits.eventBurst,
    perSecond: options.limits.eventsPerSecond,
    disconnectAfter: options.limits.floodDisconnectAfter,
  });

  socket.onAny((event: unknown, ...args: unknown[]) => {
    const ack = typeof args.at(-1) === "function" ? (args.pop() as Ack) : undefined;
    const name = typeof event === "string" ? event : String(event);
    const startedAt = performance.now();
    const route = routes.get(name);
    const verdict = rate.check(route?.route.cost);
    if (verdict === "allow") return answer(name, route ? name : UNKNOWN_ROUTE_LABEL, args[0], ack, startedAt);
    reply(socket, name, ack, new WhiskError("RATE_LIMITED"));
    record(route ? name : UNKNOWN_ROUTE_LABEL, "RATE_LIMITED", startedAt);
    if (verdict === "disconnect") {
      log.warn({ socket: socket.id, user: ctx.user.id }, "flooding socket disconnected");
      disconnectFlooder(socket);
    }
  });

  const run = (event: string, payload: unknown, ack: Ack | undefined) =>
    runRoute(routes, event, payload, ctx)
      // Inside the chain: a value socket.io cannot serialise (a BigInt, a cycle) throws here,
      // and must become this client's INTERNAL error, not an unhandled rejection.
      .then((data) => ack?.(ok(data ?? null)));
  const answer = (event: string, label: string, payload: unknown, ack: Ack | undefined, startedAt: number) => {
    const answered = tracing
      ? inSpan("route", label, { attributes: { "whisk.route": label, "whisk.socket": socket.id, "whisk.user": ctx.user.id } }, () =>
          run(event, payload, ack),
        )
      : run(event, payload, ack);
    answered
      .then(() => record(label, "ok", startedAt))
      .catch((thrown: unknown) => {
        const error = toWhiskError(thrown);
        record(label, error.code, startedAt);
        if (error.code === "INTERNAL") log.error({ err: error.cause, event: event.slice(0, 100) }, "route handler threw");
        try {
          reply(socket, event, ack, error);
        } catch (replyError) {
          log.error({ err: replyError }, "could not send an error reply");
        }
      });
  };
}

/** An error goes back as the ack when there is one, else as a whisk.error event. */
function reply(socket: Socket, event: string, ack: Ack | undefined, error: WhiskError): void {
  const body = toErrorPayload(error);
  if (ack) ack(failed(body));
  else socket.emit(ERROR_EVENT, { event: event.slice(0, 100), error: body });
}
