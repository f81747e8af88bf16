/**
 * A server process whose Redis dies and comes back (a private redis-server on its own port):
 * it reports not-ready while Redis is gone, stays alive, and recovers by itself.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { type RedisServerProcess, type ServerProcess, startRedisServer, startServerProcess } from "../../whisk/testing";
import { connect, nextEvent, request, requestToken } from "./clients";

let redis: RedisServerProcess | undefined;
let server: ServerProcess | undefined;

const readiness = async (url: string) => (await fetch(`${url}/readyz`)).status;

describe("a node whose Redis goes away", () => {
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await redis?.kill();
    redis = undefined;
  });

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

  it("notices a Redis that stops answering without closing anything, reports not-ready, and recovers when it answers again", async () => {
    redis = await startRedisServer();
    server = await startServerProcess({ env: { REDIS_URL: redis.url, WHISK_NODE_ID: "it-frozen" } });
    const url = server.url;
    expect(await readiness(url)).toBe(200);

    const frozenAt = Date.now();
    redis.freeze();
    await vi.waitFor(async () => expect(await readiness(url)).toBe(503), { timeout: 10_000, interval: 100 });
    console.log(`redis unreachable (frozen): not-ready after ${Date.now() - frozenAt} ms`);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    const thawedAt = Date.now();
    redis.thaw();
    await vi.waitFor(async () => expect(await readiness(url)).toBe(200), { timeout: 15_000, interval: 100 });
    console.log(`redis unreachable (frozen): ready again ${Date.now() - thawedAt} ms after it answered`);
  });
});
