import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "whisk/testing";
import WebSocket from "ws";
import type { WorldSaid } from "@/server/observers/world";
import { type Connected, connect, nextEvent, nextEventWhere, request, requestRaw, requestToken, signIn } from "./clients";

let server: ServerProcess;
let alice: Connected;
let bob: Connected;

async function newClient(): Promise<Connected> {
  return connect(server.url, { token: (await requestToken(server.url)).token });
}

/**
 * The next `world.said` on `socket` carrying `message`. Each socket gets its copy in its own time,
 * so a test waits for its own line, never for "the next one", which may be the last test's.
 */
function heardSaying(client: Connected, message: string) {
  return nextEventWhere(client.socket, "world.said", (said) => said.message === message);
}

/** Bob can still talk to everyone: the server and his socket are fine. */
async function expectStillServing() {
  const aliceHeard = heardSaying(alice, "still here");
  const bobHeard = heardSaying(bob, "still here");
  const ack = await request(bob.socket, "world.say", { message: "still here" });
  expect(ack.status).toBe("ok");
  expect(await aliceHeard).toMatchObject({ user: { id: bob.welcome.user.id, name: bob.welcome.user.name } });
  await bobHeard;
}

beforeAll(async () => {
  server = await startServerProcess({ env: { WHISK_NODE_ID: "it-routes" } });
  alice = await newClient();
  bob = await newClient();
});
afterAll(async () => {
  alice.socket.close();
  bob.socket.close();
  // Without a build the server never started: the first error (run `npm run build` first) is the one to read.
  if (server) expect(await server.stop()).toBe(0);
});

describe("routes on the real server process", () => {
  it("answers world.ping with the server's clock, and refuses a payload that is not an object", async () => {
    const before = Date.now();
    const ack = await request(alice.socket, "world.ping", {});
    expect(ack.status).toBe("ok");
    expect(ack.status === "ok" && ack.data.at).toBeGreaterThanOrEqual(before);
    expect(await requestRaw(alice.socket, "world.ping", "now")).toMatchObject({
      status: "error",
      error: { code: "BAD_PAYLOAD" },
    });
  });

  it("delivers world.say to every connected user, the sender included, exactly once each", async () => {
    const received: string[] = [];
    const onSaid = (said: WorldSaid) => received.push(said.id);
    alice.socket.on("world.said", onSaid);
    const bobHeard = heardSaying(bob, "Hello, Bob");
    const ack = await request(alice.socket, "world.say", { message: "Hello, Bob" });
    expect(ack).toEqual({ status: "ok", data: { id: expect.any(String) } });
    const id = ack.status === "ok" ? ack.data.id : "";
    // Data, not a sentence: exactly the user (from the session) and the message, under the ack's id.
    expect(await bobHeard).toEqual({
      id,
      user: { id: alice.welcome.user.id, name: alice.welcome.user.name },
      message: "Hello, Bob",
      at: expect.any(Number),
    });
    await expectStillServing();
    alice.socket.off("world.said", onSaid);
    expect(received.filter((heard) => heard === id)).toHaveLength(1);
  });

  it("takes identity from the session, not from the payload", async () => {
    const heard = heardSaying(bob, "hi");
    const ack = await requestRaw(alice.socket, "world.say", {
      message: "hi",
      userId: bob.welcome.user.id,
      user: { id: bob.welcome.user.id, name: bob.welcome.user.name },
    });
    expect(ack.status).toBe("ok");
    expect((await heard).user).toEqual({ id: alice.welcome.user.id, name: alice.welcome.user.name });
  });

  it("sends what was said as data, so a name that reads like a sentence stays a name", async () => {
    const forger = await connect(server.url, { token: (await requestToken(server.url, await signIn(server.url, 'Bob" said "hi'))).token });
    const heard = heardSaying(bob, "there");
    expect(await request(forger.socket, "world.say", { message: "there" })).toMatchObject({ status: "ok" });
    expect(await heard).toEqual({
      id: expect.any(String),
      user: { id: forger.welcome.user.id, name: 'Bob" said "hi' },
      message: "there",
      at: expect.any(Number),
    });
    forger.socket.close();
  });

  it.each([
    ["a number", { message: 42 }],
    ["no payload", undefined],
    ["a string", "hello"],
    ["an empty message", { message: "   " }],
    ["a message over 500 characters", { message: "x".repeat(501) }],
    ["a deeply nested object", JSON.parse(`${"[".repeat(500)}${"]".repeat(500)}`)],
  ])("answers %s with BAD_PAYLOAD and its issues, and keeps serving", async (_name, payload) => {
    const ack = await requestRaw(alice.socket, "world.say", payload);
    expect(ack.status).toBe("error");
    if (ack.status !== "error") return;
    expect(ack.error.code).toBe("BAD_PAYLOAD");
    expect(ack.error.issues?.length).toBeGreaterThan(0);
    expect(alice.socket.connected).toBe(true);
    await expectStillServing();
  });

  it("answers an unknown event with UNKNOWN_EVENT, reserved names included", async () => {
    for (const event of ["world.shout", "whisk.welcome", "nodots", "a.b.c"]) {
      const ack = await requestRaw(alice.socket, event, {});
      expect(ack).toMatchObject({ status: "error", error: { code: "UNKNOWN_EVENT" } });
    }
    expect(alice.socket.connected).toBe(true);
    await expectStillServing();
  });

  it("reports a failed event sent without an ack as a whisk.error event", async () => {
    const error = nextEvent(alice.socket, "whisk.error");
    alice.socket.emit("world.shout", {});
    expect(await error).toEqual({ event: "world.shout", error: { code: "UNKNOWN_EVENT", message: expect.any(String) } });
  });

  it("closes only the connection that sends a frame over 64 KiB", async () => {
    const carol = await newClient();
    const dropped = nextEvent(carol.socket, "disconnect");
    carol.socket.emit("world.say", { message: "x".repeat(70 * 1024) });
    expect(await dropped).toMatch(/transport (close|error)/);
    expect(alice.socket.connected).toBe(true);
    await expectStillServing();
  });

  it("survives garbage on a raw websocket and keeps serving others", async () => {
    const { token } = await requestToken(server.url);
    const raw = new WebSocket(`${server.url.replace("http", "ws")}/whisk/?EIO=4&transport=websocket`, { headers: { origin: server.url } });
    await new Promise((resolve, reject) => {
      raw.once("open", resolve);
      raw.once("error", reject);
    });
    raw.send(`40${JSON.stringify({ token })}`);
    for (const junk of ["42[", "42{}", '42["world.say"', "4x", "9", "", "42[1,2,3]", '421["world.say",{"message":1}]', "\u0000\u0001"]) {
      raw.send(junk);
    }
    raw.close();
    await expectStillServing();
  });
});
