import type { WhiskErrorPayload } from "./errors";

/** What a route acks with: the handler's value, or a typed error. */
export type Ack<T> = { status: "ok"; data: T } | { status: "error"; error: WhiskErrorPayload };

/** What a client's `emit` resolves to: an ack, or the timeout outcome. Never a rejection. */
export type EmitResult<T> = Ack<T> | { status: "timeout" };

export function ok<T>(data: T): Ack<T> {
  return { status: "ok", data };
}

export function failed(error: WhiskErrorPayload): Ack<never> {
  return { status: "error", error };
}
