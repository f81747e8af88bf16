import pino, { type Logger } from "pino";

export type { Logger } from "pino";

/**
 * Structured JSON logs. Paths that could hold a secret are redacted wherever they appear, and
 * Whisk's own log lines never include tokens, cookies or message contents in the first place.
 */
export const REDACTED_PATHS = [
  "token",
  "*.token",
  "auth",
  "*.auth",
  "cookie",
  "*.cookie",
  "headers.cookie",
  "*.headers.cookie",
  "req.headers.authorization",
  "payload",
  "*.payload",
  // ioredis puts the failed command, with its arguments (envelopes, session data), on errors.
  "err.command",
  "*.err.command",
];

export function createLogger(options: { nodeId: string; level?: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level ?? "info",
      base: { node: options.nodeId },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    },
    options.destination,
  );
}
