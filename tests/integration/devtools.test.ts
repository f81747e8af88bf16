/**
 * The devtools' server side across real gateway processes over Redis, as `npm run dev` runs them
 * scaled out (WHISK_ROLE=ws, development): a socket on one node sees every live gateway, and who
 * is present in its room on the other node with their state. A production process refuses it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Whisk } from "whisk/host";
import { connectTestRedis, freePort, type ServerProcess, startServerProcess, TEST_REDIS_URL } from "whisk/testing";
import { type Connected, connect, request, requestRaw, startScriptNode } from "./clients";

const ORIGIN = "http://devtools.test";
let redis: Awaited<ReturnType<typeof connectTestRedis>>;
let script: Whisk<object>;
const nodes: Record<string, ServerProcess> = {};
const open: Connected[] = [];

/** A gateway process on the shared Redis; `WHISK_PUBLIC_URL` makes it announce itself in the directory. */
async function gateway(nodeId: string, mode: "development" | "production"): Promise<ServerProcess> {
  const port = await freePort();
  const started = await startServerProcess({
    mode,
    port,
    env: {
      WHISK_ROLE: "ws",
      WHISK_NODE_ID: nodeId,
      REDIS_URL: TEST_REDIS_URL,
      WHISK_REDIS_PREFIX: redis.prefix,
      WHISK_PUBLIC_URL: `http://127.0.0.1:${port}`,
      WHISK_ALLOWED_ORIGINS: ORIGIN,
      LOG_LEVEL: "warn",
    },
  });
  nodes[nodeId] = started;
  return started;
}

beforeAll(async () => {
  redis = await connectTestRedis();
  await Promise.all([gateway("dev-a", "development"), gateway("dev-b", "development"), gateway("prod-c", "production")]);
  // Signs people in as the web node would: a member session in Redis, and a ws_token for it.
  script = await startScriptNode(redis.prefix);
}, 120_000);
afterAll(async () => {
  for (const client of open) client.socket.close();
  await script?.close();
  await Promise.all(Object.values(nodes).map((node) => node.stop()));
  await redis?.cleanup();
});

async function member(name: string, nodeId: string): Promise<Connected> {
  const session = await script.sessions.create({ userId: name.toLowerCase(), userName: name }, 60_000);
  const { token } = await script.issueToken({ sessionId: session.id, userId: session.userId });
  const connected = await connect((nodes[nodeId] as ServerProcess).url, { token, origin: ORIGIN, transports: ["websocket"] });
  open.push(connected);
  return connected;
}

type Inspected = { rooms: { room: string; present: { userName: string; nodeId: string; state?: unknown }[] }[] };

describe("devtools across gateway processes", () => {
  it("shows, from one node, who is present on the other, with their state", async () => {
    const ann = await member("Ann", "dev-a");
    const ben = await member("Ben", "dev-b");
    await request(ann.socket, "room.join", { room: "beach" });
    await request(ben.socket, "room.join", { room: "beach" });
    await request(ben.socket, "room.presence", { room: "beach", state: { typing: true } });
    const inspected = await vi.waitFor(async () => {
      const answer = (await requestRaw(ann.socket, "whisk.inspect", {})) as { status: string; data: Inspected };
      expect(answer.data.rooms[0]?.present.find((entry) => entry.userName === "Ben")?.state).toEqual({ typing: true });
      return answer.data;
    });
    expect(inspected.rooms).toEqual([
      {
        room: "beach",
        count: 2,
        present: expect.arrayContaining([
          expect.objectContaining({ userName: "Ann", nodeId: "dev-a" }),
          expect.objectContaining({ userName: "Ben", nodeId: "dev-b", state: { typing: true } }),
        ]),
      },
    ]);
  });

  it("lists every live gateway, from whichever node it asks", async () => {
    const cy = await member("Cy", "dev-b");
    const described = await vi.waitFor(async () => {
      const answer = (await requestRaw(cy.socket, "whisk.describe", {})) as { data: { node: string; gateways: { nodeId: string }[] } };
      expect(answer.data.gateways.map((each) => each.nodeId)).toEqual(expect.arrayContaining(["dev-a", "dev-b", "prod-c"]));
      return answer.data;
    });
    expect(described.node).toBe("dev-b");
  });

  it("is refused by a production gateway, which goes on serving the socket", async () => {
    const dee = await member("Dee", "prod-c");
    for (const event of ["whisk.describe", "whisk.inspect", "whisk.ping"]) {
      expect(await requestRaw(dee.socket, event, {})).toMatchObject({ status: "error", error: { code: "FORBIDDEN" } });
    }
    expect(await request(dee.socket, "room.join", { room: "beach" })).toMatchObject({ status: "ok" });
  });
});

describe("the production build", () => {
  it("holds none of the panel: no chunk, no string of it, in what browsers load", () => {
    const folder = join(process.cwd(), ".next", "static");
    const scripts = readdirSync(folder, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".js"));
    const holding = scripts.filter((file) => /Whisk devtools|whisk\.inspect|Call a route/.test(readFileSync(join(folder, file), "utf8")));
    console.log(`production build: ${scripts.length} scripts for browsers, ${holding.length} with devtools code`);
    expect(scripts.length).toBeGreaterThan(5);
    expect(holding).toEqual([]);
  });
});
