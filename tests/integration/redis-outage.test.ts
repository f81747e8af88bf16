/**
 * A server process whose Redis dies and comes back (a private redis-server on its own port):
 * it reports not-ready while Redis is gone, stays alive, and recovers by itself.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { type RedisServerProcess, type ServerProcess, startRedisServer, startServerProcess } from "whisk/testing";
import { connect, nextEvent, request, requestToken } from "./clients";
import { restartRedisUnderTraffic } from "./redis-restart-under-traffic";

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
    expect(await heard).toMatchObject({ message: "after the outage" });
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

  it("keeps serving through a Redis restart under traffic: counts what the outage cost, loses nothing after recovery", async () => {
    redis = await startRedisServer();
    server = await startServerProcess({ env: { REDIS_URL: redis.url, WHISK_NODE_ID: "it-traffic" } });
    const url = server.url;
    const sender = await connect(url, { token: (await requestToken(url)).token });
    const listener = await connect(url, { token: (await requestToken(url)).token });
    const heard = new Set<string>();
    listener.socket.on("world.said", (said: { message: string }) => heard.add(said.message));

    const { sent, readyAfterMs: recoveredAfter } = await restartRedisUnderTraffic(redis, url, (text) =>
      sender.socket.emit("world.say", { message: text }, () => {}),
    );
    const last = sent.at(-1)?.text ?? "";
    await vi.waitFor(() => expect(heard.has(last)).toBe(true), { timeout: 10_000 });

    const count = (which: string) => sent.filter((message) => message.phase === which);
    const lost = (which: string) => count(which).filter((message) => !heard.has(message.text)).length;
    console.log(
      `redis restart under traffic (${sent.length} messages at 10/s, under the rate limit): ready ${recoveredAfter} ms after Redis returned; ` +
        `lost before ${lost("before")}/${count("before").length}, during ${lost("during")}/${count("during").length}, after ${lost("after")}/${count("after").length}`,
    );
    expect(lost("before")).toBe(0);
    expect(lost("after")).toBe(0);
    expect(server.child.exitCode).toBeNull();
    sender.socket.close();
    listener.socket.close();
  }, 60_000);
});
