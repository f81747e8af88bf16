import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSettings, SETTING_NAMES, SettingsError } from "./env";

const secret = "a".repeat(32);

describe("readSettings", () => {
  it("runs in development with no settings at all, on port 3000, with a throwaway secret", () => {
    const settings = readSettings({});
    expect(settings).toMatchObject({ dev: true, port: 3000, nodeId: "node-1", sessionSecretGenerated: true });
    expect(settings.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(settings.allowedOrigins).toEqual(["http://localhost:3000", "http://127.0.0.1:3000"]);
  });

  it("reads the per-address limits and the trusted proxies, refusing a proxy that is neither address nor range", () => {
    expect(readSettings({})).toMatchObject({
      handshakesPerAddress: 20,
      postsPerAddress: 10,
      connectionsPerAddress: 256,
      trustedProxies: [],
    });
    const settings = readSettings({ WHISK_TRUSTED_PROXIES: "10.0.0.2, 172.16.0.0/12", WHISK_POSTS_PER_ADDRESS: "0" });
    expect(settings).toMatchObject({ trustedProxies: ["10.0.0.2", "172.16.0.0/12"], postsPerAddress: 0 });
    expect(() => readSettings({ WHISK_TRUSTED_PROXIES: "nginx" })).toThrow(/WHISK_TRUSTED_PROXIES: .*address or a range/);
    expect(() => readSettings({ WHISK_HANDSHAKES_PER_ADDRESS: "-1" })).toThrow(/WHISK_HANDSHAKES_PER_ADDRESS/);
  });

  it("hands resume tokens 10 s after connecting unless WHISK_RESUME_TOKEN_AFTER_MS says otherwise, and refuses what is not 0 to 120,000 ms", () => {
    expect(readSettings({}).resumeTokenAfterMs).toBe(10_000);
    expect(readSettings({ WHISK_RESUME_TOKEN_AFTER_MS: "0" }).resumeTokenAfterMs).toBe(0);
    for (const wrong of ["-1", "soon", "120001", "1.5"]) {
      expect(() => readSettings({ WHISK_RESUME_TOKEN_AFTER_MS: wrong })).toThrow(/WHISK_RESUME_TOKEN_AFTER_MS/);
    }
  });

  it("traces only when OTEL_EXPORTER_OTLP_ENDPOINT names a URL, and refuses one that is not", () => {
    expect(readSettings({}).tracing).toBe(false);
    expect(readSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }).tracing).toBe(true);
    expect(() => readSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector" })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
  });

  it("refuses to start in production without SESSION_SECRET, saying what to set", () => {
    expect(() => readSettings({ NODE_ENV: "production" })).toThrow(SettingsError);
    expect(() => readSettings({ NODE_ENV: "production" })).toThrow(/SESSION_SECRET is not set.*openssl rand/);
  });

  it("refuses a SESSION_SECRET under 32 characters, in development too", () => {
    expect(() => readSettings({ SESSION_SECRET: "short" })).toThrow(/shorter than 32 characters/);
    expect(() => readSettings({ NODE_ENV: "production", SESSION_SECRET: "a".repeat(31) })).toThrow(/shorter than 32/);
  });

  it("refuses a bad port or node id, naming the variable", () => {
    expect(() => readSettings({ PORT: "http" })).toThrow(/PORT/);
    expect(() => readSettings({ WHISK_NODE_ID: "ws 1; rm -rf" })).toThrow(/WHISK_NODE_ID/);
  });

  it("requires WHISK_NODE_ID when REDIS_URL is set, so processes sharing a Redis never share the default name", () => {
    const scaled = { REDIS_URL: "redis://127.0.0.1:6379" };
    expect(() => readSettings(scaled)).toThrow(SettingsError);
    expect(() => readSettings(scaled)).toThrow(/WHISK_NODE_ID: required when REDIS_URL \(or REDIS_CLUSTER_NODES\) is set/);
    expect(() => readSettings({ ...scaled, WHISK_ROLE: "ws" })).toThrow(
      /WHISK_NODE_ID: required when REDIS_URL \(or REDIS_CLUSTER_NODES\) is set/,
    );
    expect(readSettings({ ...scaled, WHISK_NODE_ID: "ws-2" })).toMatchObject({ nodeId: "ws-2", redis: { url: scaled.REDIS_URL } });
    expect(readSettings({ WHISK_NODE_ID: "solo" }).nodeId).toBe("solo");
  });

  it("takes a Redis Cluster's seed nodes instead of REDIS_URL, never both, and a prefix without hash-tag braces", () => {
    const nodes = "127.0.0.1:7001, redis://:pw@10.0.0.2:7002";
    expect(readSettings({ REDIS_CLUSTER_NODES: nodes, WHISK_NODE_ID: "ws-1", WHISK_ROLE: "ws" }).redis).toEqual({
      clusterNodes: ["127.0.0.1:7001", "redis://:pw@10.0.0.2:7002"],
    });
    expect(() => readSettings({ REDIS_CLUSTER_NODES: nodes })).toThrow(/WHISK_NODE_ID: required/);
    expect(() => readSettings({ REDIS_CLUSTER_NODES: nodes, REDIS_URL: "redis://127.0.0.1:6379", WHISK_NODE_ID: "a" })).toThrow(
      /REDIS_CLUSTER_NODES: set either REDIS_URL \(one Redis\) or REDIS_CLUSTER_NODES, not both/,
    );
    expect(() => readSettings({ REDIS_CLUSTER_NODES: "127.0.0.1", WHISK_NODE_ID: "a" })).toThrow(/REDIS_CLUSTER_NODES: comma-separated/);
    expect(() => readSettings({ WHISK_REDIS_PREFIX: "{app}:" })).toThrow(/WHISK_REDIS_PREFIX: no \{ or \}/);
  });

  it("takes an empty variable as unset, so REDIS_URL= means embedded mode", () => {
    expect(readSettings({ REDIS_URL: "", WHISK_NODE_ID: "", PORT: "" })).toMatchObject({
      redis: undefined,
      nodeId: "node-1",
      port: 3000,
    });
  });

  it("reads a comma-separated origin allow-list and the token TTL", () => {
    const settings = readSettings({
      NODE_ENV: "production",
      SESSION_SECRET: secret,
      WHISK_ALLOWED_ORIGINS: "https://a.example, https://b.example",
      WHISK_TOKEN_TTL_MS: "5000",
    });
    expect(settings.allowedOrigins).toEqual(["https://a.example", "https://b.example"]);
    expect(settings.tokenTtlMs).toBe(5000);
    expect(settings.sessionSecretGenerated).toBe(false);
  });

  it("keeps /metrics off the page port by default: no metrics port, no token, 10,000 connections", () => {
    expect(readSettings({})).toMatchObject({ metricsPort: undefined, metricsToken: undefined, maxConnections: 10_000 });
  });

  it("reads the metrics port, the metrics token and the connection cap", () => {
    const token = "m".repeat(32);
    const settings = readSettings({ WHISK_METRICS_PORT: "9464", WHISK_METRICS_TOKEN: token, WHISK_MAX_CONNECTIONS: "500" });
    expect(settings).toMatchObject({ metricsPort: 9464, metricsToken: token, maxConnections: 500 });
  });

  it("refuses a metrics port equal to PORT, a short or header-breaking token, and a connection cap of 0", () => {
    expect(() => readSettings({ PORT: "3000", WHISK_METRICS_PORT: "3000" })).toThrow(/WHISK_METRICS_PORT: must differ from PORT/);
    expect(() => readSettings({ WHISK_METRICS_TOKEN: "short" })).toThrow(/WHISK_METRICS_TOKEN: at least 32 characters/);
    expect(() => readSettings({ WHISK_METRICS_TOKEN: `${"m".repeat(32)} x` })).toThrow(/WHISK_METRICS_TOKEN: letters, digits/);
    expect(() => readSettings({ WHISK_MAX_CONNECTIONS: "0" })).toThrow(/WHISK_MAX_CONNECTIONS/);
  });

  it("accepts a session TTL of 30 days and refuses a longer one, saying the limit", () => {
    const thirtyDays = 30 * 24 * 3600 * 1000;
    expect(readSettings({ WHISK_SESSION_TTL_MS: String(thirtyDays) }).sessionTtlMs).toBe(thirtyDays);
    expect(() => readSettings({ WHISK_SESSION_TTL_MS: String(thirtyDays + 1) })).toThrow(
      /WHISK_SESSION_TTL_MS: at most 2592000000 \(30 days\)/,
    );
  });
});

describe(".env.example", () => {
  it("lists every setting the server reads, and nothing it does not", () => {
    const example = readFileSync(join(import.meta.dirname, "..", ".env.example"), "utf8");
    const ours = example.split("# --- Read by Next.js itself")[0] ?? "";
    const listed = [...ours.matchAll(/^([A-Z_]+)=/gm)].map(([, name]) => name);
    expect([...listed].sort()).toEqual([...SETTING_NAMES].sort());
  });
});
