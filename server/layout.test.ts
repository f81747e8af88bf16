/**
 * The file layout is the contract: every group file under routes/, observers/ and workers/ must
 * be listed in server/app.ts, and docker-compose.yml must describe what the server runs.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { BlockList } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLUSTER_TOPOLOGY } from "whisk/testing";
import { parse } from "yaml";
import { app } from "./app";

const here = import.meta.dirname;

/** The groups of `kind` each file under `folder` exports, with the file they come from. */
async function exportedGroups(folder: string, kind: string): Promise<{ file: string; group: { name: string } }[]> {
  const dir = join(here, folder);
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"));
  const groups: { file: string; group: { name: string } }[] = [];
  for (const file of files) {
    const module = (await import(join(dir, file))) as Record<string, unknown>;
    const found = Object.values(module).filter((value) => (value as { kind?: string } | null)?.kind === kind);
    expect(found, `${folder}/${file} exports no ${kind} group`).not.toHaveLength(0);
    groups.push(...found.map((group) => ({ file: `server/${folder}/${file}`, group: group as { name: string } })));
  }
  return groups;
}

/** Names every group a folder exports that server/app.ts's list leaves out. */
async function unlisted(folder: string, kind: string, listed: readonly unknown[]): Promise<string[]> {
  return (await exportedGroups(folder, kind))
    .filter(({ group }) => !listed.includes(group))
    .map(({ file, group }) => `${file} exports the ${kind} group "${group.name}": add it to server/app.ts`);
}

describe("server/app.ts", () => {
  it("lists every route group under server/routes/", async () => {
    expect(await unlisted("routes", "routes", app.routes)).toEqual([]);
  });
  it("lists every observer group under server/observers/", async () => {
    expect(await unlisted("observers", "observers", app.observers)).toEqual([]);
  });
  it("lists every worker group under server/workers/", async () => {
    expect(await unlisted("workers", "workers", app.workers)).toEqual([]);
  });
});

describe("package.json", () => {
  it("depends on its whisk workspace at the workspace's own version, so every package manager links it, never fetches it", () => {
    const read = (path: string) => JSON.parse(readFileSync(join(here, "..", path), "utf8"));
    const app = read("package.json") as { dependencies: Record<string, string>; workspaces: string[] };
    expect(app.workspaces).toContain("whisk");
    expect(app.dependencies.whisk).toBe((read("whisk/package.json") as { version: string }).version);
    expect(readFileSync(join(here, "..", "pnpm-workspace.yaml"), "utf8")).toMatch(/linkWorkspacePackages: true/);
  });

  it("pins the same versions for pnpm (pnpm-workspace.yaml) as for npm (overrides), and lists vitest's peer vite for yarn 1", () => {
    const pkg = JSON.parse(readFileSync(join(here, "..", "package.json"), "utf8")) as {
      overrides: Record<string, string>;
      devDependencies: Record<string, string>;
      pnpm?: unknown;
    };
    const workspace = parse(readFileSync(join(here, "..", "pnpm-workspace.yaml"), "utf8")) as { overrides?: Record<string, string> };
    expect(workspace.overrides).toEqual(pkg.overrides);
    expect(pkg.pnpm, "pnpm 11+ ignores package.json's pnpm field: settings go in pnpm-workspace.yaml").toBeUndefined();
    expect(pkg.devDependencies.vite).toBe(pkg.overrides.vite);
  });
});

describe("docker-compose.yml", () => {
  type Service = {
    environment?: Record<string, string>;
    healthcheck?: unknown;
    build?: unknown;
    image?: string;
    volumes?: string[];
    profiles?: string[];
    command?: string[];
    depends_on?: Record<string, { condition: string; required?: boolean }>;
    networks?: { default?: { ipv4_address?: string } };
  };
  const compose = parse(readFileSync(join(here, "..", "docker-compose.yml"), "utf8"), { merge: true }) as {
    services: Record<string, Service>;
  };
  const nodes = Object.entries(CLUSTER_TOPOLOGY).flatMap(([role, names]) => names.map((name) => ({ role, name })));

  it("runs the launcher's topology: the same nodes with the same roles, plus Redis and a proxy", () => {
    const always = Object.keys(compose.services).filter((name) => !compose.services[name]?.profiles);
    expect(always.sort()).toEqual(["proxy", "redis", ...nodes.map((node) => node.name)].sort());
    for (const { role, name } of nodes) {
      const service = compose.services[name];
      expect(service?.build, name).toMatchObject({
        context: ".",
        args: { NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: expect.any(String), NEXT_DEPLOYMENT_ID: expect.any(String) },
      });
      expect(service?.environment?.WHISK_ROLE, name).toBe(role);
      expect(service?.environment?.WHISK_NODE_ID, name).toBe(name);
    }
  });

  it("gives every node the settings server/env.ts requires in production, and the same Redis and secret", () => {
    const environments = nodes.map((node) => compose.services[node.name]?.environment ?? {});
    for (const environment of environments) {
      expect(environment.NODE_ENV).toBe("production");
      // Compose's own ${...} defaults: one Redis unless REDIS_URL is set empty for the cluster profile.
      expect(environment.REDIS_URL).toBe(["$", "{REDIS_URL-redis://redis:6379}"].join(""));
      expect(environment.REDIS_CLUSTER_NODES).toBe(["$", "{REDIS_CLUSTER_NODES:-}"].join(""));
      expect(environment.SESSION_SECRET).toContain("SESSION_SECRET");
      // One key for every build and process: server-action ids stay the same across deploys.
      expect(environment.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY).toContain("NEXT_SERVER_ACTIONS_ENCRYPTION_KEY");
      expect(environment.WHISK_ALLOWED_ORIGINS).toBe("http://localhost:8080");
    }
  });

  it("has the nodes trust X-Forwarded-For from the proxy's fixed address only, inside the network's subnet", () => {
    const network = compose as unknown as { networks: { default: { ipam: { config: { subnet: string }[] } } } };
    const proxy = compose.services.proxy as Service & { networks?: { default?: { ipv4_address?: string } } };
    const proxyAddress = proxy.networks?.default?.ipv4_address;
    expect(proxyAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const subnet = network.networks.default.ipam.config[0]?.subnet ?? "";
    const blocks = new BlockList();
    blocks.addSubnet(subnet.split("/")[0] ?? "", Number(subnet.split("/")[1]));
    expect(blocks.check(proxyAddress ?? "")).toBe(true);
    for (const { name } of nodes) expect(compose.services[name]?.environment?.WHISK_TRUSTED_PROXIES, name).toBe(proxyAddress);
  });

  it("has a redis-cluster profile: 3 masters on fixed addresses, joined before any node starts, which the README's line names", () => {
    const profiled = Object.entries(compose.services).filter(([, service]) => service.profiles?.includes("redis-cluster"));
    expect(profiled.map(([name]) => name).sort()).toEqual(["redis-cluster-init", "redis-node-1", "redis-node-2", "redis-node-3"]);
    const addresses = ["redis-node-1", "redis-node-2", "redis-node-3"].map((name) => {
      const service = compose.services[name];
      expect(service?.command, name).toEqual(expect.arrayContaining(["--cluster-enabled", "yes"]));
      return `${service?.networks?.default?.ipv4_address}:6379`;
    });
    const init = compose.services["redis-cluster-init"];
    expect(init?.command?.join(" ")).toContain(`redis-cli --cluster create ${addresses.join(" ")} --cluster-replicas 0`);
    for (const { name } of nodes) {
      expect(compose.services[name]?.depends_on?.["redis-cluster-init"], name).toEqual({
        condition: "service_completed_successfully",
        required: false,
      });
    }
    const header = readFileSync(join(here, "..", "docker-compose.yml"), "utf8");
    expect(header).toContain(`REDIS_CLUSTER_NODES=${addresses.join(",")}`);
  });

  it("gives every service a health check", () => {
    for (const [name, service] of Object.entries(compose.services)) expect(service.healthcheck, name).toBeDefined();
  });

  it("has the proxy send /whisk to every gateway and everything else to every web node", () => {
    expect(compose.services.proxy?.volumes).toContain("./deploy/nginx.conf:/etc/nginx/nginx.conf:ro");
    const nginx = readFileSync(join(here, "..", "deploy", "nginx.conf"), "utf8");
    const upstream = (name: string) => nginx.match(new RegExp(`upstream ${name} \\{([^}]*)\\}`))?.[1] ?? "";
    const servers = (block: string) => [...block.matchAll(/server ([\w-]+):3000/g)].map((match) => match[1]);
    expect(servers(upstream("gateways"))).toEqual([...CLUSTER_TOPOLOGY.ws]);
    expect(servers(upstream("web"))).toEqual([...CLUSTER_TOPOLOGY.web]);
    expect(nginx).toMatch(/location \/whisk\/ \{[^}]*proxy_pass http:\/\/gateways;[^}]*Upgrade/);
    // Metrics are for the scraper on each node's own port, not for the public.
    expect(nginx).toMatch(/location = \/metrics \{\s*deny all;\s*\}/);
  });

  it("has the proxy limit requests to /api/, /whisk/ and server actions, and connections, per client address, with 429", () => {
    const nginx = readFileSync(join(here, "..", "deploy", "nginx.conf"), "utf8");
    const location = (path: string) => nginx.match(new RegExp(`location ${path} \\{([^}]*)\\}`))?.[1] ?? "";
    const zoneKey = (zone: string) => nginx.match(new RegExp(`limit_req_zone (\\S+) zone=${zone}:\\d+m rate=\\d+r/s;`))?.[1];
    expect(zoneKey("api")).toBe("$binary_remote_addr");
    expect(zoneKey("sockets")).toBe("$binary_remote_addr");
    // Server actions are POSTs with a Next-Action header: only those get a key in their zone.
    expect(zoneKey("actions")).toBe("$server_action_client");
    expect(nginx).toMatch(/map \$request_method \$server_action_client \{\s*POST\s+\$binary_remote_addr;\s*default "";\s*\}/);
    const applied = [
      ["/api/", "api", "web"],
      ["/whisk/", "sockets", "gateways"],
      ["/", "actions", "web"],
    ];
    for (const [path = "", zone, upstream] of applied) {
      expect(location(path), path).toMatch(new RegExp(`limit_req zone=${zone} burst=\\d+ nodelay;`));
      expect(location(path), path).toContain(`proxy_pass http://${upstream};`);
    }
    expect(nginx).toMatch(/limit_conn_zone \$binary_remote_addr zone=per_address:\d+m;/);
    expect(nginx).toMatch(/server \{\s*listen 80;\s*limit_conn per_address \d+;/);
    expect(nginx).toMatch(/limit_req_status 429;/);
    expect(nginx).toMatch(/limit_conn_status 429;/);
  });
});
