/**
 * A typed layer over a socket.io-client `Socket`, for Node tests: route names, their input and
 * their ack, and the events a socket receives, all checked against the app's definition, so a
 * misspelt event or a wrong payload in a test is a compile error, as it is in the app's hooks.
 *
 * @example
 * const { request, nextEvent } = typedClient<WhiskApp>();
 * const heard = nextEvent(socket, "room.message"); // Promise<ChatMessage>
 * const ack = await request(socket, "room.say", { room: "orbit", text: "hi" }); // Ack<{ sent: true }>
 *
 * For a test about input the app does not declare (an unknown event, a malformed payload),
 * `requestRaw` and `nextEventRaw` take any name and any payload, and say so at the call site.
 */
import type { Socket } from "socket.io-client";
import type { WhiskErrorPayload } from "../core/errors";
import type {
  DISCONNECT_EVENT,
  DRAIN_EVENT,
  ERROR_EVENT,
  PRESENCE_TOPIC,
  PresenceUpdate,
  RESUME_EVENT,
  TokenGrant,
  WELCOME_EVENT,
  Welcome,
} from "../core/protocol";
import type { Ack } from "../core/result";
import type { ClientRoutes, RouteName, ServerEvents } from "../server/app-types";
import type { WhiskAppDefinition } from "../server/whisk-app";

/** How long a request waits for its ack before it rejects. */
const ACK_TIMEOUT_MS = 5_000;
/** How long `nextEvent` waits, unless told. */
const EVENT_TIMEOUT_MS = 5_000;

/** Whisk's own server -> client events (whisk/core/protocol) and socket.io's `disconnect`, with what each carries. */
export interface ProtocolEvents {
  [WELCOME_EVENT]: Welcome;
  [PRESENCE_TOPIC]: PresenceUpdate;
  /** A failed event that was sent without an ack. */
  [ERROR_EVENT]: { event: string; error: WhiskErrorPayload };
  /** Why the server is about to disconnect a socket that may come back (`RATE_LIMITED`). */
  [DISCONNECT_EVENT]: WhiskErrorPayload;
  /** This gateway is shutting down; it carries nothing. */
  [DRAIN_EVENT]: undefined;
  /** A single-use token for this socket's next reconnect. */
  [RESUME_EVENT]: TokenGrant;
  disconnect: Socket.DisconnectReason;
}

/** Every event a socket of `App` may receive: its observers' events and Whisk's own. */
export type ReceivedEvents<App extends WhiskAppDefinition> = ServerEvents<App> & ProtocolEvents;
export type ReceivedEventName<App extends WhiskAppDefinition> = keyof ReceivedEvents<App> & string;

export interface TypedClient<App extends WhiskAppDefinition> {
  /** Emits route `event` with `input` and resolves to its ack; rejects when none comes within 5 s. */
  request<E extends RouteName<App>>(
    socket: Socket,
    event: E,
    input: ClientRoutes<App>[E]["input"],
  ): Promise<Ack<ClientRoutes<App>[E]["output"]>>;
  /** The next `event` on `socket`: an observer's event or one of Whisk's own; a failure after `ms`. */
  nextEvent<E extends ReceivedEventName<App>>(socket: Socket, event: E, ms?: number): Promise<ReceivedEvents<App>[E]>;
  /** The next `event` on `socket` whose payload `where` accepts (the others pass by); a failure after `ms`. */
  nextEventWhere<E extends ReceivedEventName<App>>(
    socket: Socket,
    event: E,
    where: (payload: ReceivedEvents<App>[E]) => boolean,
    ms?: number,
  ): Promise<ReceivedEvents<App>[E]>;
}

/**
 * `request` and `nextEvent` typed by `App` (`typeof app`: the demo's `WhiskApp`, or a test's own
 * app). Only types: at run time they are `requestRaw` and `nextEventRaw`.
 */
export function typedClient<App extends WhiskAppDefinition>(): TypedClient<App> {
  return {
    request: (socket, event, input) => requestRaw(socket, event, input) as Promise<Ack<ClientRoutes<App>[typeof event]["output"]>>,
    nextEvent: (socket, event, ms) => nextEventRaw(socket, event, ms) as Promise<ReceivedEvents<App>[typeof event]>,
    nextEventWhere: (socket, event, where, ms) =>
      nextEventRaw(socket, event, ms, where as (payload: unknown) => boolean) as Promise<ReceivedEvents<App>[typeof event]>,
  };
}

/**
 * Untyped: emits any `event` with any arguments and resolves to the ack (the gateway acks every
 * event, known or not, with an `Ack`); rejects when none comes within 5 s. For tests about input
 * the app does not declare; everything else goes through `typedClient`'s `request`.
 */
export function requestRaw(socket: Socket, event: string, ...args: unknown[]): Promise<Ack<unknown>> {
  return socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, ...args) as Promise<Ack<unknown>>;
}

/** Untyped: the next `event` on `socket` (that `where` accepts, if given), whatever its name, or a failure after `ms`. */
export function nextEventRaw(
  socket: Socket,
  event: string,
  ms = EVENT_TIMEOUT_MS,
  where?: (payload: unknown) => boolean,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const heard = (payload: unknown) => {
      if (where && !where(payload)) return;
      socket.off(event, heard);
      clearTimeout(timer);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      socket.off(event, heard);
      reject(new Error(`no "${event}"${where ? " of the kind awaited" : ""} within ${ms} ms`));
    }, ms);
    socket.on(event, heard);
  });
}
