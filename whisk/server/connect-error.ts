import type { ExtendedError } from "socket.io";
import { type ErrorCode, toErrorPayload, WhiskError } from "../core/errors";

/** A middleware refusal the client receives as `connect_error` with `err.data = { code, message }`. */
export function connectError(code: ErrorCode): ExtendedError & { whisk: WhiskError } {
  const whisk = new WhiskError(code);
  const error = new Error(whisk.message) as ExtendedError & { whisk: WhiskError };
  error.data = toErrorPayload(whisk);
  error.whisk = whisk;
  return error;
}
