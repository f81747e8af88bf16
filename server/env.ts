/**
 * The process's settings, read from the environment once at start and checked with zod.
 * A bad value stops the process with a sentence that says what to set.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";

const variables = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface to listen on; unset means all. */
  HOST: z.string().optional(),
  /** iron-session's password; 32+ characters. Optional in development only. */
  SESSION_SECRET: z.string().optional(),
  /**
   * This process's name: its consumer name in Redis, its gateway's key in the directory and in
   * presence. Required with REDIS_URL (each process its own); `node-1` in embedded mode.
   */
  WHISK_NODE_ID: z
    .string()
    .regex(/^[a-zA-Z0-9_-]{1,64}$/, "letters, digits, - and _ only")
    .optional(),
  /** Comma-separated origins whose pages may connect, e.g. "https://chat.example.com". */
  WHISK_ALLOWED_ORIGINS: z.string().optional(),
  WHISK_TOKEN_TTL_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  WHISK_SESSION_TTL_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .default(7 * 24 * 3600 * 1000),
  /** Which parts this process runs: all (embedded), web (Next.js + tokens), ws (gateway), worker. */
  WHISK_ROLE: z.enum(["all", "web", "ws", "worker"]).default("all"),
  /** Set it to share sessions, tokens and messages with other processes; unset means in memory. */
  REDIS_URL: z.string().url().optional(),
  /** Prefix of every Redis key and channel, so apps can share a Redis. */
  WHISK_REDIS_PREFIX: z.string().min(1).default("whisk:"),
  /** Where pages reach this gateway directly (e.g. http://127.0.0.1:3001); unset behind a proxy. */
  WHISK_PUBLIC_URL: z.string().url().optional(),
  /** Secure cookies; default on in production. Turn off only for plain-HTTP test deployments. */
  WHISK_SECURE_COOKIES: z.enum(["true", "false"]).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

const schema = variables.superRefine((values, ctx) => {
  // Processes sharing a Redis must not share a name: two gateways called node-1 would overwrite
  // each other in the directory and presence, and two workers would share one consumer.
  if (values.REDIS_URL && values.WHISK_NODE_ID === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["WHISK_NODE_ID"],
      message: "required when REDIS_URL is set: give each process its own name, e.g. WHISK_NODE_ID=ws-1",
    });
  }
});

export type Role = "all" | "web" | "ws" | "worker";

export interface Settings {
  dev: boolean;
  role: Role;
  redisUrl: string | undefined;
  redisPrefix: string;
  publicUrl: string | undefined;
  secureCookies: boolean;
  port: number;
  host: string | undefined;
  sessionSecret: string;
  /** True when no SESSION_SECRET was set and a throwaway one was made (development only). */
  sessionSecretGenerated: boolean;
  nodeId: string;
  allowedOrigins: string[];
  tokenTtlMs: number;
  sessionTtlMs: number;
  logLevel: string;
}

export class SettingsError extends Error {}

export function readSettings(env: Record<string, string | undefined>): Settings {
  // `NAME=` means unset, as in .env files; it also lets a launcher say "embedded" with REDIS_URL=""
  // where an .env.local would otherwise fill REDIS_URL in (Next fills only undefined variables).
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new SettingsError(`Invalid environment:\n${lines.join("\n")}`);
  }
  const values = parsed.data;
  const dev = values.NODE_ENV !== "production";
  const secret = values.SESSION_SECRET;
  if (secret !== undefined && secret.length < 32) {
    throw new SettingsError(
      "SESSION_SECRET is shorter than 32 characters. Set it to a long random string, e.g. `openssl rand -base64 32`.",
    );
  }
  if (secret === undefined && !dev) {
    throw new SettingsError("SESSION_SECRET is not set. In production set it to a long random string, e.g. `openssl rand -base64 32`.");
  }
  if (values.WHISK_ROLE !== "all" && !values.REDIS_URL) {
    throw new SettingsError(
      `WHISK_ROLE=${values.WHISK_ROLE} needs REDIS_URL: separate processes share sessions, tokens and messages through Redis.`,
    );
  }
  const allowedOrigins = values.WHISK_ALLOWED_ORIGINS
    ? values.WHISK_ALLOWED_ORIGINS.split(",")
        .map((origin) => origin.trim())
        .filter(Boolean)
    : [`http://localhost:${values.PORT}`, `http://127.0.0.1:${values.PORT}`];
  return {
    dev,
    role: values.WHISK_ROLE,
    redisUrl: values.REDIS_URL,
    redisPrefix: values.WHISK_REDIS_PREFIX,
    publicUrl: values.WHISK_PUBLIC_URL,
    secureCookies: values.WHISK_SECURE_COOKIES ? values.WHISK_SECURE_COOKIES === "true" : !dev,
    port: values.PORT,
    host: values.HOST,
    sessionSecret: secret ?? randomBytes(32).toString("base64url"),
    sessionSecretGenerated: secret === undefined,
    nodeId: values.WHISK_NODE_ID ?? "node-1",
    allowedOrigins,
    tokenTtlMs: values.WHISK_TOKEN_TTL_MS,
    sessionTtlMs: values.WHISK_SESSION_TTL_MS,
    logLevel: values.LOG_LEVEL,
  };
}
