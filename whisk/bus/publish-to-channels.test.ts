import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServerProcess, startRedisServer } from "../testing/redis-server-process";
import { publishToChannels } from "./publish-to-channels";

// A private Redis: the test flushes its scripts, which the shared one's other users may rely on.
let server: RedisServerProcess;
let publisher: Redis;
let subscriber: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  publisher = new Redis(server.url);
  subscriber = new Redis(server.url);
  await subscriber.subscribe("a", "b", "c");
});

afterAll(async () => {
  publisher.disconnect();
  subscriber.disconnect();
  await server.kill();
});

function heard(count: number): Promise<string[]> {
  const got: string[] = [];
  return new Promise((resolve) => {
    const onMessage = (channel: string, text: string) => {
      got.push(`${channel}:${text}`);
      if (got.length < count) return;
      subscriber.off("message", onMessage);
      resolve(got);
    };
    subscriber.on("message", onMessage);
  });
}

describe("publishToChannels on one Redis", () => {
  it("sends the text once on each channel, with one command however many channels there are", async () => {
    const warmUp = heard(2);
    await publishToChannels(publisher, ["a", "b"], "warm-up"); // Redis learns the script
    await warmUp;
    const got = heard(3);
    const count = (stats: string, command: string) => Number(stats.match(new RegExp(`cmdstat_${command}:calls=(\\d+)`))?.[1] ?? 0);
    const before = await publisher.info("commandstats");
    await publishToChannels(publisher, ["a", "b", "c"], "hello");
    expect((await got).sort()).toEqual(["a:hello", "b:hello", "c:hello"]);
    const stats = await publisher.info("commandstats");
    // The three PUBLISHes ran inside one script call, not as three commands from the client.
    expect(count(stats, "publish")).toBe(count(before, "publish") + 3);
    expect(count(stats, "evalsha")).toBe(count(before, "evalsha") + 1);
  });

  it("still publishes after Redis forgot its scripts (a restart, SCRIPT FLUSH)", async () => {
    await publisher.script("FLUSH");
    const got = heard(2);
    await publishToChannels(publisher, ["a", "b"], "again");
    expect((await got).sort()).toEqual(["a:again", "b:again"]);
  });

  it("keeps a text that looks like Lua or a command as it is", async () => {
    const text = `'); redis.call('FLUSHALL') --\r\n*1\r\n$8\r\nFLUSHALL\r\n`;
    await publisher.set("still-here", "1");
    const got = heard(2);
    await publishToChannels(publisher, ["a", "b"], text);
    expect(await got).toEqual(expect.arrayContaining([`a:${text}`, `b:${text}`]));
    expect(await publisher.get("still-here")).toBe("1");
  });
});
