/**
 * A server process whose Redis dies and comes back (a private redis-server on its own port):
 * it reports not-ready while Redis is gone, stays alive, and recovers by itself.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import { type RedisServerProcess, type ServerProcess, startRedisServer, startServerProcess } from "../../whisk/testing";
import { connect, nextEvent, request, requestToken } from "./clients";

let redis: RedisServerProcess | undefined;
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop();
  await redis?.kill();
});

const readiness = async (url: string) => (await fetch(`${url}/readyz`)).status;

describe("a node whose Redis goes away", () => {
  it("turns not-ready while Redis is down, keeps answering /healthz, and is ready and serving again after", async () => {
    redis = await startRedisServer();
    server = await startServerProcess({ env: { REDIS_URL: redis.url, WHISK_NODE_ID: "it-outage" } });
    const url = server.url;
    expect(await readiness(url)).toBe(200);

    const downAt = Date.now();
    await redis.kill();
    await vi.waitFor(async () => expect(await readiness(url)).toBe(503), { timeout: 10_000, interval: 100 });
    console.log(`redis outage: not-ready after ${Date.now() - downAt} ms`);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    const upAt = Date.now();
    await redis.start();
    await vi.waitFor(async () => expect(await readiness(url)).toBe(200), { timeout: 15_000, interval: 100 });
    console.log(`redis outage: ready again ${Date.now() - upAt} ms after Redis returned`);

    // Redis came back empty: a new session, a new token, and the bus carries messages again.
    const { socket } = await connect(url, { token: (await requestToken(url)).token });
    const heard = nextEvent(socket, "world.said");
    expect(await request(socket, "world.say", { message: "after the outage" })).toMatchObject({ status: "ok" });
    expect(await heard).toMatchObject({ text: expect.stringContaining("after the outage") });
    socket.close();
  });
});
