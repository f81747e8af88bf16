/**
 * The chat's routes and workers on the real server process (embedded mode): what a client may
 * and may not do, and the replies it gets.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PresenceUpdate } from "whisk/core";
import { type ServerProcess, startServerProcess } from "whisk/testing";
import { nextSaid } from "./chat-lines";
import { type Connected, connect, nextEvent, request, requestMemberToken, requestRaw, requestToken, signIn } from "./clients";

let server: ServerProcess;
const open: Connected[] = [];

beforeAll(async () => {
  // Dozens of people sign in here from one address, faster than its POST budget (a burst of 50,
  // then 10 a second) allows on a quick machine: attack-handshakes.test.ts tests that budget.
  server = await startServerProcess({ env: { WHISK_NODE_ID: "it-chat", WHISK_POSTS_PER_ADDRESS: "0" } });
});
afterAll(async () => {
  for (const client of open) client.socket.close();
  // Without a build the server never started: the first error (run `npm run build` first) is the one to read.
  if (server) expect(await server.stop()).toBe(0);
});

async function newClient(): Promise<Connected> {
  const client = await connect(server.url, { token: (await requestMemberToken(server.url, `Member ${open.length + 1}`)).token });
  open.push(client);
  return client;
}

describe("chat routes on the real server process", () => {
  it("enters a room, announces it through the worker as a line of the room's history, and returns that history", async () => {
    const alice = await newClient();
    const notice = nextEvent(alice.socket, "room.message");
    const ack = await request(alice.socket, "room.join", { room: "beach" });
    expect(ack).toMatchObject({ status: "ok", data: { room: "beach", resumed: false } });
    // Data, not a sentence: the page writes the sentence, with the name as a name.
    const entered = await notice;
    expect(entered).toEqual({
      id: expect.any(String),
      room: "beach",
      notice: "entered",
      author: alice.welcome.user,
      text: "",
      at: expect.any(Number),
      position: { epoch: expect.any(String), offset: expect.any(String) },
    });
    // Kept: a page that was reconnecting, or comes later, still shows who came in.
    const later = await newClient();
    const page = await request(later.socket, "room.join", { room: "beach" });
    if (page.status !== "ok") throw new Error("the later client could not enter");
    expect(page.data.messages.filter((line) => line.id === entered.id)).toEqual([entered]);
  });

  it("keeps room messages in history, and a returning client gets exactly what it missed", async () => {
    const alice = await newClient();
    const bob = await newClient();
    await request(alice.socket, "room.join", { room: "orbit" });
    await request(bob.socket, "room.join", { room: "orbit" });
    const first = nextSaid(bob.socket);
    await request(alice.socket, "room.send", { room: "orbit", text: "one" });
    const seen = await first;
    await request(alice.socket, "room.send", { room: "orbit", text: "two" });
    await request(alice.socket, "room.send", { room: "orbit", text: "three" });
    const latecomer = await newClient();
    const resumed = await request(latecomer.socket, "room.join", { room: "orbit", since: seen.position, rejoin: true });
    if (resumed.status !== "ok") throw new Error("enter failed");
    expect(resumed.data.resumed).toBe(true);
    expect(resumed.data.messages.map((message) => message.text)).toEqual(["two", "three"]);
    const fresh = await request(latecomer.socket, "room.join", { room: "orbit", since: { epoch: "other", offset: "1" } });
    if (fresh.status !== "ok") throw new Error("enter failed");
    expect(fresh.data.resumed).toBe(false);
    expect(fresh.data.messages.map((message) => message.text).slice(-3)).toEqual(["one", "two", "three"]);
  });

  it("moves a socket out of its old room when it enters a new one", async () => {
    const alice = await newClient();
    const bob = await newClient();
    await request(alice.socket, "room.join", { room: "room" });
    await request(bob.socket, "room.join", { room: "room" });
    await request(bob.socket, "room.join", { room: "dog-park" });
    expect(await request(bob.socket, "room.send", { room: "room", text: "from afar" })).toMatchObject({
      status: "error",
      error: { code: "FORBIDDEN" },
    });
    const heard: string[] = [];
    bob.socket.on("room.message", (message: { text: string; notice?: string }) => {
      if (!message.notice) heard.push(message.text);
    });
    const aliceHears = nextSaid(alice.socket);
    await request(alice.socket, "room.send", { room: "room", text: "only the room" });
    expect((await aliceHears).text).toBe("only the room");
    const bobHears = nextSaid(bob.socket);
    await request(bob.socket, "room.send", { room: "dog-park", text: "park" });
    expect((await bobHears).text).toBe("park");
    expect(heard).toEqual(["park"]);
  });

  it("takes a socket out of a room on room.leave: no more messages, no sending there, gone from its people", async () => {
    const alice = await newClient();
    const bob = await newClient();
    await request(alice.socket, "room.join", { room: "beach" });
    await request(bob.socket, "room.join", { room: "beach" });
    const bobSeesHerGo = new Promise<void>((resolve) =>
      bob.socket.on("whisk.presence", (update: PresenceUpdate) => {
        if (update.room === "beach" && !update.users.some((user) => user.userId === alice.welcome.user.id && user.tabs > 0)) resolve();
      }),
    );
    expect(await request(alice.socket, "room.leave", { room: "beach" })).toEqual({ status: "ok", data: { room: "beach" } });
    await bobSeesHerGo;
    const heard: string[] = [];
    alice.socket.on("room.message", (message: { text: string; notice?: string }) => {
      if (!message.notice) heard.push(message.text);
    });
    expect(await request(alice.socket, "room.send", { room: "beach", text: "still here?" })).toMatchObject({
      status: "error",
      error: { code: "FORBIDDEN", message: "Join the room before sending to it." },
    });
    const bobHears = nextSaid(bob.socket);
    await request(bob.socket, "room.send", { room: "beach", text: "she left" });
    expect((await bobHears).text).toBe("she left");
    // Leaving a room never entered is answered and changes nothing; a made-up room is a bad payload.
    expect(await request(alice.socket, "room.leave", { room: "orbit" })).toEqual({ status: "ok", data: { room: "orbit" } });
    // @ts-expect-error: a room that does not exist, as a hostile client would send
    expect(await request(alice.socket, "room.leave", { room: "nowhere" })).toMatchObject({
      status: "error",
      error: { code: "BAD_PAYLOAD" },
    });
    // The socket goes on: back in, it hears the room again.
    await request(alice.socket, "room.join", { room: "beach", rejoin: true });
    const aliceHears = nextSaid(alice.socket);
    await request(bob.socket, "room.send", { room: "beach", text: "welcome back" });
    expect((await aliceHears).text).toBe("welcome back");
    expect(heard).toEqual(["welcome back"]);
  });

  it("whispers only to someone in the room, and only they and the sender get it", async () => {
    const [alice, bob, carol] = [await newClient(), await newClient(), await newClient()];
    for (const client of [alice, bob, carol]) await request(client.socket, "room.join", { room: "beach" });
    const carolGot: string[] = [];
    carol.socket.on("inbox.message", (whisper: { text: string }) => carolGot.push(whisper.text));
    const bobGets = nextEvent(bob.socket, "inbox.message");
    const aliceGets = nextEvent(alice.socket, "inbox.message");
    const ack = await request(alice.socket, "room.whisper", {
      room: "beach",
      toUserId: bob.welcome.user.id,
      text: "psst",
    });
    expect(ack).toMatchObject({ status: "ok", data: { to: { id: bob.welcome.user.id } } });
    expect(await bobGets).toMatchObject({ text: "psst", from: { id: alice.welcome.user.id } });
    expect((await aliceGets).text).toBe("psst");
    const carolSentinel = nextSaid(carol.socket);
    await request(alice.socket, "room.send", { room: "beach", text: "sentinel" });
    await carolSentinel;
    expect(carolGot).toEqual([]);
    expect(await request(alice.socket, "room.whisper", { room: "beach", toUserId: "nobody", text: "hello?" })).toMatchObject({
      status: "error",
      error: { code: "FORBIDDEN" },
    });
  });

  it("keeps whispers in each person's inbox: a tab that was away gets exactly those it missed, and nobody reads another's", async () => {
    const alice = await newClient();
    const bobsGrant = await requestMemberToken(server.url, "Bob of the inbox");
    const bob = await connect(server.url, { token: bobsGrant.token });
    open.push(bob);
    for (const client of [alice, bob]) await request(client.socket, "room.join", { room: "orbit" });
    const first = nextEvent(bob.socket, "inbox.message");
    await request(alice.socket, "room.whisper", { room: "orbit", toUserId: bob.welcome.user.id, text: "one" });
    const seen = await first;
    expect(seen).toMatchObject({ text: "one", chatRoom: "orbit", room: bob.welcome.user.id });
    // Bob's second tab, opened now, as a tab coming back from a reconnect: it asks from where it was.
    const bobsTab = await connect(server.url, { token: (await requestToken(server.url, bobsGrant.cookie)).token });
    open.push(bobsTab);
    for (const text of ["two", "three"])
      await request(alice.socket, "room.whisper", { room: "orbit", toUserId: bob.welcome.user.id, text });
    const caughtUp = await request(bobsTab.socket, "inbox.join", { room: bob.welcome.user.id, since: seen.position, rejoin: true });
    if (caughtUp.status !== "ok") throw new Error("inbox.join failed");
    expect(caughtUp.data.resumed).toBe(true);
    expect(caughtUp.data.messages.map((whisper) => whisper.text)).toEqual(["two", "three"]);
    // The sender keeps a copy in her own inbox.
    const hers = await request(alice.socket, "inbox.join", { room: alice.welcome.user.id });
    if (hers.status !== "ok") throw new Error("inbox.join failed");
    expect(hers.data.messages.map((whisper) => whisper.text)).toEqual(["one", "two", "three"]);
    expect(await request(alice.socket, "inbox.join", { room: bob.welcome.user.id })).toMatchObject({
      status: "error",
      error: { code: "FORBIDDEN", message: "An inbox is its owner's alone." },
    });
  });

  it.each([
    ["an unknown room", "room.join", { room: "mars" }],
    ["an empty message", "room.send", { room: "beach", text: "  " }],
    ["a message over 1,000 characters", "room.send", { room: "beach", text: "x".repeat(1001) }],
    ["a forged author", "room.send", { room: "beach", text: "hi", author: { id: "x", name: "Admin" } }],
    ["a bad history position", "room.join", { room: "beach", since: { epoch: 1, offset: {} } }],
    ["a whisper to an addressee id over 100 characters", "room.whisper", { room: "beach", toUserId: "x".repeat(101), text: "hi" }],
    ["a whisper over 1,000 characters", "room.whisper", { room: "beach", toUserId: "u1", text: "x".repeat(1001) }],
    ["a whisper with no addressee", "room.whisper", { room: "beach", text: "hi" }],
    ["an inbox id over 100 characters", "inbox.join", { room: "x".repeat(101) }],
    ["presence state off its schema", "room.presence", { room: "beach", state: { typing: "yes" } }],
  ])("answers %s with a clear error and keeps the socket", async (name, event, payload) => {
    const client = await newClient();
    await request(client.socket, "room.join", { room: "beach" });
    const ack = await requestRaw(client.socket, event, payload);
    if (name === "a forged author") {
      // Extra fields are ignored: the author is always the session's user.
      expect(ack.status).toBe("ok");
    } else {
      expect(ack).toMatchObject({ status: "error", error: { code: "BAD_PAYLOAD" } });
    }
    expect(client.socket.connected).toBe(true);
  });

  it("keeps a look-alike name out of a room where the original is, on a rejoin too, but not the original's own second tab", async () => {
    const member = async (cookie: string) => {
      const client = await connect(server.url, { token: (await requestToken(server.url, cookie)).token });
      open.push(client);
      return client;
    };
    const alice = await signIn(server.url, "Alice");
    const original = await member(alice);
    const lookAlike = await member(await signIn(server.url, "A1ice"));
    expect(await request(original.socket, "room.join", { room: "dog-park" })).toMatchObject({ status: "ok" });

    const refused = { status: "error", error: { code: "FORBIDDEN", message: expect.stringMatching(/looks like yours/) } };
    expect(await request(lookAlike.socket, "room.join", { room: "dog-park" })).toMatchObject(refused);
    expect(await request(lookAlike.socket, "room.join", { room: "dog-park", rejoin: true })).toMatchObject(refused);
    expect(await request(lookAlike.socket, "room.send", { room: "dog-park", text: "It's me, Alice" })).toMatchObject({
      status: "error",
      error: { code: "FORBIDDEN" },
    });
    expect(await request(lookAlike.socket, "room.join", { room: "orbit" })).toMatchObject({ status: "ok" });
    const secondTab = await member(alice);
    expect(await request(secondTab.socket, "room.join", { room: "dog-park" })).toMatchObject({ status: "ok" });
  });

  it("keeps a send repeated 1,030 times with one clientId (a retry, a replay) as one line, and serves the room on", async () => {
    const alice = await newClient();
    const bob = await newClient();
    for (const client of [alice, bob]) await request(client.socket, "room.join", { room: "orbit", rejoin: true });
    const bobHeard: { text: string; clientId?: string }[] = [];
    bob.socket.on("room.message", (line: { text: string; clientId?: string; notice?: string }) => {
      if (!line.notice) bobHeard.push(line);
    });
    const packet = { room: "orbit" as const, text: "said once", clientId: "replayed-0123456789abcdef" };
    // Within the socket's burst (40, less the join's 5): every one is accepted, a job each.
    const burst = await Promise.all(Array.from({ length: 30 }, () => request(alice.socket, "room.send", packet)));
    expect(burst.filter((ack) => ack.status === "ok")).toHaveLength(30);
    // Then 1,000 more at once: refused over budget, and the socket cut for flooding.
    const cut = nextEvent(alice.socket, "disconnect");
    const flood = await Promise.allSettled(Array.from({ length: 1_000 }, () => request(alice.socket, "room.send", packet)));
    await cut;
    const accepted = 30 + flood.filter((each) => each.status === "fulfilled" && each.value.status === "ok").length;
    // Time for the worker to run every accepted job, so a copy kept twice would show below.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // The same clientId from another person is their own line.
    const sentinel = nextSaid(bob.socket);
    expect(await request(bob.socket, "room.send", { ...packet, text: "mine" })).toMatchObject({ status: "ok" });
    expect((await sentinel).text).toBe("mine");
    const latecomer = await newClient();
    const page = await request(latecomer.socket, "room.join", { room: "orbit", rejoin: true });
    if (page.status !== "ok") throw new Error("the latecomer could not enter");
    expect(page.data.messages.filter((line) => line.clientId === packet.clientId).map((line) => line.text)).toEqual(["said once", "mine"]);
    expect(bobHeard.map((line) => line.text)).toEqual(["said once", "mine"]);
    console.log(`one clientId 1,030 times: ${accepted} accepted by the rate budget, 1 line kept and sent`);
  });

  it("signs the author from the session, whatever the payload says", async () => {
    const client = await newClient();
    await request(client.socket, "room.join", { room: "room" });
    const heard = nextSaid(client.socket);
    await requestRaw(client.socket, "room.send", { room: "room", text: "who am I", author: { id: "x", name: "Admin" } });
    expect((await heard).author).toEqual(client.welcome.user);
  });
});
