/**
 * The process's settings, read from the environment once at start and checked with zod.
 * A bad value stops the process with a sentence that says what to set.
 */
import { randomBytes } from "node:crypto";
import { DEFAULT_REDIS_PREFIX, DEFAULT_SESSION_TTL_MS, DEFAULT_TOKEN_TTL_MS } from "whisk/core";
import { DEFAULT_LIMITS, type RedisTarget, TrustedProxies } from "whisk/host";
import { z } from "zod";

const MAX_SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

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
  WHISK_TOKEN_TTL_MS: z.coerce.number().int().min(100).max(300_000).default(DEFAULT_TOKEN_TTL_MS),
  /** How long a socket is connected before the gateway hands it its first resume token (0: on connect). */
  WHISK_RESUME_TOKEN_AFTER_MS: z.coerce.number().int().min(0).max(120_000).default(DEFAULT_LIMITS.resumeTokenFirstAfterMs),
  /** At most 30 days: a stolen session cookie stays useful no longer than that. */
  WHISK_SESSION_TTL_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(MAX_SESSION_TTL_MS, `at most ${MAX_SESSION_TTL_MS} (30 days); past that, have people sign in again`)
    .default(DEFAULT_SESSION_TTL_MS),
  /** Which parts this process runs: all (embedded), web (Next.js + tokens), ws (gateway), worker. */
  WHISK_ROLE: z.enum(["all", "web", "ws", "worker"]).default("all"),
  /** Set it to share sessions, tokens and messages with other processes; unset means in memory. */
  REDIS_URL: z.string().url().optional(),
  /**
   * Instead of REDIS_URL, a Redis Cluster: comma-separated seed nodes, `host:port` or
   * `redis://user:password@host:port` (the first node's credentials apply to every node).
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(
      /^(rediss?:\/\/[^,\s]+|[^,\s:/]+:\d+)(\s*,\s*(rediss?:\/\/[^,\s]+|[^,\s:/]+:\d+))*$/,
      "comma-separated host:port or redis:// URLs",
    )
    .optional(),
  /** Prefix of every Redis key and channel, so apps can share a Redis; no braces (Redis Cluster hash tags). */
  WHISK_REDIS_PREFIX: z
    .string()
    .min(1)
    .regex(/^[^{}]+$/, "no { or }: they would make a Redis Cluster hash tag of it")
    .default(DEFAULT_REDIS_PREFIX),
  /** Where pages reach this gateway directly (e.g. http://127.0.0.1:3001); unset behind a proxy. */
  WHISK_PUBLIC_URL: z.string().url().optional(),
  /** Secure cookies; default on in production. Turn off only for plain-HTTP test deployments. */
  WHISK_SECURE_COOKIES: z.enum(["true", "false"]).optional(),
  /** A second port serving only /metrics, /healthz and /readyz (on HOST), for the scraper; unset means none. */
  WHISK_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Bearer token for /metrics; with it set, the main port serves /metrics too (to holders of the token). */
  WHISK_METRICS_TOKEN: z
    .string()
    .min(32, "at least 32 characters, e.g. `openssl rand -base64 32`")
    .regex(/^[\w.~+/=-]+$/, "letters, digits and . _ ~ + / = - only (it travels in an Authorization header)")
    .optional(),
  /** Open TCP connections (pages, API calls and sockets alike) past which new ones are refused. */
  WHISK_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /**
   * Comma-separated addresses or ranges (10.0.0.0/8) of the proxies in front (e.g. nginx's): only
   * behind them is a client's address read from X-Forwarded-For, for the per-address limits below.
   */
  WHISK_TRUSTED_PROXIES: z.string().optional(),
  /** New socket connections per client address per second (bursts of 5x); 0 turns the limit off. */
  WHISK_HANDSHAKES_PER_ADDRESS: z.coerce.number().min(0).max(100_000).default(20),
  /** Open TCP connections per client address (not counting a trusted proxy's); 0 turns it off. */
  WHISK_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(0).max(1_000_000).default(256),
  /** POST requests (tokens, sign-in, server actions) per client address per second (bursts of 5x); 0: off. */
  WHISK_POSTS_PER_ADDRESS: z.coerce.number().min(0).max(100_000).default(10),
  /** Development only: where `npm run dev` keeps sessions and its made-up SESSION_SECRET across restarts. */
  WHISK_DEV_STATE_DIR: z.string().min(1).default("node_modules/.cache/whisk"),
  /**
   * Where to send OpenTelemetry traces over OTLP/HTTP (e.g. http://127.0.0.1:4318); unset means no
   * tracing. Read by the exporter itself, as are the other OTEL_* variables (OTEL_SERVICE_NAME...).
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

const schema = variables.superRefine((values, ctx) => {
  // Processes sharing a Redis must not share a name: two gateways called node-1 would overwrite
  // each other in the directory and presence, and two workers would share one consumer.
  if ((values.REDIS_URL || values.REDIS_CLUSTER_NODES) && values.WHISK_NODE_ID === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["WHISK_NODE_ID"],
      message: "required when REDIS_URL (or REDIS_CLUSTER_NODES) is set: give each process its own name, e.g. WHISK_NODE_ID=ws-1",
    });
  }
  if (values.REDIS_URL && values.REDIS_CLUSTER_NODES) {
    ctx.addIssue({
      code: "custom",
      path: ["REDIS_CLUSTER_NODES"],
      message: "set either REDIS_URL (one Redis) or REDIS_CLUSTER_NODES, not both",
    });
  }
  if (values.WHISK_METRICS_PORT !== undefined && values.WHISK_METRICS_PORT === values.PORT) {
    ctx.addIssue({ code: "custom", path: ["WHISK_METRICS_PORT"], message: "must differ from PORT: it is the private port beside it" });
  }
});

/** Every variable the server reads; `.env.example` lists the same, with their meanings. */
export const SETTING_NAMES = Object.keys(variables.shape);

export type Role = "all" | "web" | "ws" | "worker";

export interface Settings {
  dev: boolean;
  role: Role;
  /** One Redis or a Redis Cluster; undefined means embedded (everything in memory). */
  redis: RedisTarget | undefined;
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
  /** How long a socket is connected before its first resume token (0: on connect). */
  resumeTokenAfterMs: number;
  sessionTtlMs: number;
  /** The private port for /metrics and health, if any. */
  metricsPort: number | undefined;
  /** Bearer token /metrics asks for; with it, the main port serves /metrics as well. */
  metricsToken: string | undefined;
  maxConnections: number;
  trustedProxies: string[];
  handshakesPerAddress: number;
  connectionsPerAddress: number;
  postsPerAddress: number;
  logLevel: string;
  /** Spans for routes, jobs and deliveries, carried across processes (OTEL_EXPORTER_OTLP_ENDPOINT set). */
  tracing: boolean;
  /** Where the development server keeps its state across restarts (relative to the app's folder). */
  devStateDir: string;
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
  const redis: RedisTarget | undefined = values.REDIS_URL
    ? { url: values.REDIS_URL }
    : values.REDIS_CLUSTER_NODES
      ? { clusterNodes: values.REDIS_CLUSTER_NODES.split(",").map((node) => node.trim()) }
      : undefined;
  if (values.WHISK_ROLE !== "all" && !redis) {
    throw new SettingsError(
      `WHISK_ROLE=${values.WHISK_ROLE} needs REDIS_URL (or REDIS_CLUSTER_NODES): separate processes share sessions, tokens and messages through Redis.`,
    );
  }
  const trustedProxies = (values.WHISK_TRUSTED_PROXIES ?? "")
    .split(",")
    .map((address) => address.trim())
    .filter(Boolean);
  try {
    new TrustedProxies(trustedProxies);
  } catch (error) {
    throw new SettingsError(`WHISK_TRUSTED_PROXIES: ${(error as Error).message}`);
  }
  const allowedOrigins = values.WHISK_ALLOWED_ORIGINS
    ? values.WHISK_ALLOWED_ORIGINS.split(",")
        .map((origin) => origin.trim())
        .filter(Boolean)
    : [`http://localhost:${values.PORT}`, `http://127.0.0.1:${values.PORT}`];
  return {
    dev,
    role: values.WHISK_ROLE,
    redis,
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
    resumeTokenAfterMs: values.WHISK_RESUME_TOKEN_AFTER_MS,
    sessionTtlMs: values.WHISK_SESSION_TTL_MS,
    metricsPort: values.WHISK_METRICS_PORT,
    metricsToken: values.WHISK_METRICS_TOKEN,
    maxConnections: values.WHISK_MAX_CONNECTIONS,
    trustedProxies,
    handshakesPerAddress: values.WHISK_HANDSHAKES_PER_ADDRESS,
    connectionsPerAddress: values.WHISK_CONNECTIONS_PER_ADDRESS,
    postsPerAddress: values.WHISK_POSTS_PER_ADDRESS,
    logLevel: values.LOG_LEVEL,
    tracing: values.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined,
    devStateDir: values.WHISK_DEV_STATE_DIR,
  };
}
