import { useCallback, useRef, useState } from "react";
import { ERROR_CODES, type WhiskErrorPayload } from "../core/errors";
import type { EmitResult } from "../core/result";
import { useConnection } from "./whisk-provider";

/** A route to call from a component (client to server), with the state of its calls to render. */
export interface RouteCaller<Input, Output> {
  /** Calls the route; resolves to its result, never throws (a failure is `{ status: "error" }`). */
  send(payload: Input, options?: { timeoutMs?: number }): Promise<EmitResult<Output>>;
  /** A call is under way. */
  pending: boolean;
  /** The latest call's error (a refusal, a failure, no answer in time); null once a later call succeeds. */
  error: WhiskErrorPayload | null;
  /** The latest successful call's answer. */
  data: Output | undefined;
  /** Forgets `error` and `data` (e.g. when the user edits the form again). */
  reset(): void;
}

const NO_ANSWER: WhiskErrorPayload = { code: "TIMEOUT", message: ERROR_CODES.TIMEOUT };

interface CallState {
  underWay: number;
  error: WhiskErrorPayload | null;
  data: unknown;
}

/**
 * The caller of route `event` (client to server): `send` and the state of its calls. When calls
 * overlap, `error` and `data` are the latest call's, whatever order the answers come back in.
 * Get the typed version from `createWhiskReact`.
 *
 * @example
 * const say = useWhiskRoute("world.say");
 * <button disabled={say.pending} onClick={() => say.send({ message: "hi" })}>Say</button>
 * {say.error && <p role="alert">{say.error.message}</p>}
 */
export function useWhiskRoute(event: string): RouteCaller<unknown, unknown> {
  const connection = useConnection("useWhiskRoute");
  const [state, setState] = useState<CallState>({ underWay: 0, error: null, data: undefined });
  const latestCall = useRef(0);
  const send = useCallback(
    async (payload: unknown, options?: { timeoutMs?: number }) => {
      latestCall.current += 1;
      const call = latestCall.current;
      setState((current) => ({ ...current, underWay: current.underWay + 1 }));
      const result = await connection.emit(event, payload, options);
      setState((current) => {
        const underWay = current.underWay - 1;
        // An earlier call answered after a later one began: the later one's outcome is what shows.
        if (call !== latestCall.current) return { ...current, underWay };
        if (result.status === "ok") return { underWay, error: null, data: result.data };
        return { ...current, underWay, error: result.status === "timeout" ? NO_ANSWER : result.error };
      });
      return result;
    },
    [connection, event],
  );
  const reset = useCallback(() => setState((current) => ({ ...current, error: null, data: undefined })), []);
  return { send, pending: state.underWay > 0, error: state.error, data: state.data, reset };
}
