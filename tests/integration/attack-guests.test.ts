/**
 * Who may chat, and under what name: a visitor who never signed in, and names that pretend.
 * Against the real server process (embedded mode).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "whisk/testing";
import { type Connected, connect, nextEventWhere, request, requestToken, signIn } from "./clients";

let server: ServerProcess;
const open: Connected[] = [];

beforeAll(async () => {
  server = await startServerProcess({ env: { WHISK_NODE_ID: "attack-guests" } });
});
afterAll(async () => {
  for (const client of open) client.socket.close();
  // Without a build the server never started: the first error (run `npm run build` first) is the one to read.
  if (server) expect(await server.stop()).toBe(0);
});

async function connectWith(cookie?: string): Promise<Connected> {
  const client = await connect(server.url, { token: (await requestToken(server.url, cookie)).token });
  open.push(client);
  return client;
}

async function signInStatus(name: string): Promise<{ status: number; message?: string }> {
  const response = await fetch(`${server.url}/api/session`, {
    method: "POST",
    headers: { origin: server.url, "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  const body = (await response.json()) as { error?: { message: string } };
  return { status: response.status, message: body.error?.message };
}

describe("a visitor who never signed in", () => {
  it("gets a guest socket that may use the hello-world but is refused every chat route with FORBIDDEN", async () => {
    const guest = await connectWith();
    expect(await request(guest.socket, "world.ping", {})).toMatchObject({ status: "ok" });
    const refusals = await Promise.all([
      request(guest.socket, "room.join", { room: "room" }),
      request(guest.socket, "room.send", { room: "room", text: "hi" }),
      request(guest.socket, "room.whisper", { room: "room", toUserId: "x", text: "hi" }),
    ]);
    console.log(
      `guest chat: room.join, room.send, room.whisper -> ${refusals.map((ack) => (ack.status === "error" ? ack.error.code : "ok")).join(", ")}`,
    );
    // The access guard's own refusal, not a route's "enter the room first".
    for (const ack of refusals)
      expect(ack).toMatchObject({ status: "error", error: { code: "FORBIDDEN", message: expect.stringMatching(/^Sign in first/) } });
  });

  it("is sent to sign in from the chat's pages, guest cookie or none", async () => {
    const { cookie } = await requestToken(server.url);
    const visitors: Record<string, string>[] = [{ cookie }, {}];
    for (const headers of visitors) {
      const response = await fetch(`${server.url}/rooms/room`, { headers, redirect: "manual" });
      expect(response.status).toBe(307);
      expect(response.headers.get("location")).toMatch(/\/$/);
    }
  });

  it("gets real status codes beside the rooms' loading page: a member 200 for a room, 404 for a made-up one", async () => {
    const cookie = await signIn(server.url, "Status Checker");
    const room = await fetch(`${server.url}/rooms/room`, { headers: { cookie }, redirect: "manual" });
    expect(room.status).toBe(200);
    const madeUp = await fetch(`${server.url}/rooms/no-such-room`, { headers: { cookie }, redirect: "manual" });
    expect(madeUp.status).toBe(404);
    expect(await madeUp.text()).toContain("Not found");
  });

  it("leaves only a 2-minute provisional session behind a cookieless token request", async () => {
    const { cookie } = await requestToken(server.url);
    const body = (await (await fetch(`${server.url}/api/session`, { headers: { cookie } })).json()) as { expiresAt: number };
    expect(body.expiresAt - Date.now()).toBeLessThanOrEqual(2 * 60_000);
  });
});

describe("a sign-in that costs nothing", () => {
  it("leaves a provisional 2-minute session until a socket connects with it, then the full TTL", async () => {
    const cookie = await signIn(server.url, "Drifter");
    const minutesLeft = async () =>
      (((await (await fetch(`${server.url}/api/session`, { headers: { cookie } })).json()) as { expiresAt: number }).expiresAt -
        Date.now()) /
      60_000;
    const before = await minutesLeft();
    await connectWith(cookie);
    const after = await minutesLeft();
    console.log(
      `sign-in by script: ${before.toFixed(1)} min left before any socket, ${(after / 60 / 24).toFixed(1)} days once one connected`,
    );
    expect(before).toBeLessThanOrEqual(2);
    expect(after).toBeGreaterThan(24 * 60);
  });
});

describe("what a sign-in request gets for a bad body", () => {
  it("answers malformed JSON, a missing name and an oversized body with 400 BAD_PAYLOAD, and keeps serving", async () => {
    const post = (body: string) =>
      fetch(`${server.url}/api/session`, {
        method: "POST",
        headers: { origin: server.url, "content-type": "application/json" },
        body,
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as { error?: { code: string } } }));
    const answers = await Promise.all([post("{not json"), post("{}"), post(JSON.stringify({ name: "x".repeat(100_000) }))]);
    console.log(`sign-in bad bodies: ${answers.map((answer) => answer.status).join(", ")}`);
    for (const answer of answers) expect(answer).toMatchObject({ status: 400, body: { error: { code: "BAD_PAYLOAD" } } });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe("names users can trust", () => {
  it("refuses blank-looking, invisible and mixed-script names at sign-in, with the reason", async () => {
    const refused = ["\u3164", "\u2800\u2800", "Al\u200Bice", "\u0410lice", "\u202Eecila", "@alice", "x".repeat(33)];
    const answers = await Promise.all(refused.map(signInStatus));
    console.log(`names refused at sign-in: ${answers.filter((answer) => answer.status === 400).length} of ${refused.length}`);
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.message).toMatch(/display name/i);
    }
  });

  it("keeps a second Alice, or an A1ice, out of the room where Alice is", async () => {
    const alice = await connectWith(await signIn(server.url, "Alice"));
    expect(await request(alice.socket, "room.join", { room: "beach" })).toMatchObject({ status: "ok" });
    for (const name of ["Alice", "ALICE", "A1ice"]) {
      const other = await connectWith(await signIn(server.url, name));
      const ack = await request(other.socket, "room.join", { room: "beach" });
      expect(ack).toMatchObject({ status: "error", error: { code: "FORBIDDEN" } });
    }
  });

  it("sends notices as data, so a name that reads like a sentence stays a name", async () => {
    const watcher = await connectWith(await signIn(server.url, "Watcher"));
    await request(watcher.socket, "room.join", { room: "orbit" });
    const forger = await connectWith(await signIn(server.url, "Bob entered Orbit. Eve"));
    // The watcher's own "entered" line may still be on its way: wait for the forger's.
    const notice = nextEventWhere(watcher.socket, "room.message", (line) => line.author.id === forger.welcome.user.id);
    await request(forger.socket, "room.join", { room: "orbit" });
    expect(await notice).toMatchObject({ room: "orbit", notice: "entered", author: forger.welcome.user, text: "" });
  });
});

describe("the chat's token route (its provider's fallback when the token action is gone)", () => {
  it("refuses the chat's token route to a foreign origin", async () => {
    const response = await fetch(`${server.url}/api/chat-token`, { method: "POST", headers: { origin: "http://evil.example" } });
    expect(response.status).toBe(403);
  });

  it("serves the chat's token route (its provider's fallback) to members only, as getChatToken: no guest is made", async () => {
    const chatToken = (cookie?: string) =>
      fetch(`${server.url}/api/chat-token`, { method: "POST", headers: { origin: server.url, ...(cookie ? { cookie } : {}) } });
    const cookieless = await chatToken();
    expect(cookieless.status).toBe(401);
    expect(((await cookieless.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
    expect(cookieless.headers.get("set-cookie")).toBeNull();
    const guest = await requestToken(server.url);
    expect((await chatToken(guest.cookie)).status).toBe(401);
    const member = await signIn(server.url, "Route Member");
    const granted = await chatToken(member);
    expect(granted.status).toBe(200);
    expect(granted.headers.get("cache-control")).toMatch(/no-store/);
    const { token } = (await granted.json()) as { token: string };
    const chat = await connect(server.url, { token });
    expect(chat.welcome.user.name).toBe("Route Member");
    // The hello page's route, as getWsToken, serves the member as that member, not a new guest.
    const hello = await connect(server.url, { token: (await requestToken(server.url, member)).token });
    expect(hello.welcome.user).toEqual(chat.welcome.user);
    chat.socket.close();
    hello.socket.close();
  });
});
