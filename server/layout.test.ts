/**
 * The file layout is the contract: every group file under routes/, observers/ and workers/ must
 * be listed in server/app.ts, and docker-compose.yml must describe what the server runs.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { app } from "./app";

const here = import.meta.dirname;

async function exportedGroups(folder: string, kind: string): Promise<unknown[]> {
  const dir = join(here, folder);
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"));
  const groups: unknown[] = [];
  for (const file of files) {
    const module = (await import(join(dir, file))) as Record<string, unknown>;
    const found = Object.values(module).filter((value) => (value as { kind?: string } | null)?.kind === kind);
    expect(found, `${folder}/${file} exports no ${kind} group`).not.toHaveLength(0);
    groups.push(...found);
  }
  return groups;
}

describe("server/app.ts", () => {
  it("lists every route group under server/routes/", async () => {
    for (const group of await exportedGroups("routes", "routes")) expect(app.routes).toContain(group);
  });
  it("lists every observer group under server/observers/", async () => {
    for (const group of await exportedGroups("observers", "observers")) expect(app.observers).toContain(group);
  });
  it("lists every worker group under server/workers/", async () => {
    for (const group of await exportedGroups("workers", "workers")) expect(app.workers).toContain(group);
  });
});

describe("docker-compose.yml", () => {
  const compose = parse(readFileSync(join(here, "..", "docker-compose.yml"), "utf8")) as {
    services: Record<string, { environment?: Record<string, string>; healthcheck?: unknown; build?: unknown; image?: string }>;
  };

  it("runs the app from this repository's Dockerfile, with Redis beside it, each with a health check", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["app", "redis"]);
    expect(compose.services.app?.build).toBe(".");
    expect(compose.services.redis?.image).toMatch(/^redis:7/);
    for (const service of Object.values(compose.services)) expect(service.healthcheck).toBeDefined();
  });

  it("gives the app the settings server/env.ts requires in production", () => {
    const environment = compose.services.app?.environment ?? {};
    expect(environment.NODE_ENV).toBe("production");
    expect(environment.SESSION_SECRET).toContain("SESSION_SECRET");
    expect(environment.WHISK_NODE_ID).toMatch(/^[a-zA-Z0-9_-]+$/);
  });
});
