/**
 * The closed set of error codes Whisk sends to clients, and the one error class that carries them.
 *
 * Every failure a client can see (an ack, a `connect_error`) is a `WhiskError` turned into a
 * plain `WhiskErrorPayload` by `toErrorPayload`. Anything else thrown by app code becomes
 * `INTERNAL`, and its text stays on the server.
 *
 * @example
 * throw new WhiskError("BAD_PAYLOAD", "room.say needs a non-empty message", { issues });
 */
export const ERROR_CODES = {
  BAD_PAYLOAD: "The payload does not match the route's schema.",
  UNKNOWN_EVENT: "No route handles this event.",
  UNAUTHORIZED: "The session behind this connection has ended or does not match.",
  FORBIDDEN: "This connection may not do that.",
  TOKEN_MISSING: "The handshake carried no ws_token.",
  TOKEN_INVALID: "The ws_token is unknown, expired or already used; ask for a fresh one.",
  ORIGIN_NOT_ALLOWED: "The page's origin is not on the gateway's allow-list.",
  RATE_LIMITED: "Too many events too fast; slow down or be disconnected.",
  LIMIT_REACHED: "A limit of this server was reached (connections per user, rooms per connection).",
  DRAINING: "This gateway is shutting down; connect to another.",
  TIMEOUT: "No answer arrived in time.",
  INTERNAL: "Something went wrong on the server.",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An issue found by schema validation, in a form that survives JSON. */
export interface PayloadIssue {
  path: (string | number)[];
  message: string;
}

/** What a client receives: never a stack, never an internal message. */
export interface WhiskErrorPayload {
  code: ErrorCode;
  message: string;
  issues?: PayloadIssue[];
}

export class WhiskError extends Error {
  readonly code: ErrorCode;
  readonly issues?: PayloadIssue[];

  constructor(code: ErrorCode, message: string = ERROR_CODES[code], options: { issues?: PayloadIssue[]; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "WhiskError";
    this.code = code;
    this.issues = options.issues;
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_CODES, value);
}

/** Wraps anything thrown into a WhiskError; unknown failures become INTERNAL and keep their cause. */
export function toWhiskError(thrown: unknown): WhiskError {
  if (thrown instanceof WhiskError) return thrown;
  return new WhiskError("INTERNAL", ERROR_CODES.INTERNAL, { cause: thrown });
}

/** The one place where an error becomes what the client sees. INTERNAL never leaks its text. */
export function toErrorPayload(thrown: unknown): WhiskErrorPayload {
  const error = toWhiskError(thrown);
  const message = error.code === "INTERNAL" ? ERROR_CODES.INTERNAL : error.message;
  return error.issues ? { code: error.code, message, issues: error.issues } : { code: error.code, message };
}
