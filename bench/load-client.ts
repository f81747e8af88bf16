/**
 * A load generator, run as its own process so it does not share a CPU budget with the server
 * silently. Reads its job from argv[2] (JSON) and prints JSON lines; the last one is its result.
 * `listen` jobs also take commands on stdin (one JSON line each), so the orchestrator can grow a
 * room step by step without reconnecting anyone.
 */
import { createInterface } from "node:readline";
import { io, type Socket } from "socket.io-client";
import { percentile } from "whisk/testing";
import { WebSocket } from "ws";
import { signInMember, tokenFor } from "./member-token";

interface Job {
  kind: "handshake" | "rtt" | "hold" | "listen" | "crossNode" | "pageLoad" | "storm";
  url: string;
  /** Whisk needs a ws_token per connection (from this URL's token route); bare socket.io does not. */
  whisk: boolean;
  count?: number;
  concurrency?: number;
  rate?: number;
  seconds?: number;
  room?: string;
  /** rtt: the route to call (`world.say` by default); crossNode: `room.whisper` (default) or `room.send`. */
  event?: string;
  /** Whisk: sockets signed in as one member (10 by default, a user's cap per gateway). */
  socketsPerMember?: number;
  /** crossNode: where the senders and the receiver connect (two gateways of one cluster). */
  senderUrl?: string;
  receiverUrl?: string;
  /** listen: plain WebSocket clients of bench/raw-ws-server.ts instead of socket.io ones. */
  raw?: boolean;
  /** hold, storm: the gateway to connect to, when not `url` (which then only issues tokens). */
  gatewayUrl?: string;
  /** storm: where the sockets reconnect once their gateway dies. */
  fallbackUrl?: string;
}

const job = JSON.parse(process.argv[2] ?? "{}") as Job;
const print = (line: unknown) => process.stdout.write(`${JSON.stringify(line)}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The chat's rooms serve signed-in members: one member per 10 sockets (a user's cap per gateway). */
let member = { cookie: "", tokens: 0 };
const SOCKETS_PER_MEMBER = 10;

async function token(): Promise<string | undefined> {
  if (!job.whisk) return undefined;
  return tokenFor(job.url, await memberCookie());
}

/** One connection, authenticated as Whisk wants it; resolves on the welcome. */
async function open(url = job.url, tokenInHand?: string): Promise<{ socket: Socket; userId: string }> {
  const auth = job.whisk ? { token: tokenInHand ?? (await token()) } : {};
  const socket = io(url, {
    path: "/whisk",
    transports: ["websocket"],
    auth,
    extraHeaders: { origin: job.url },
    reconnection: false,
    forceNew: true,
  });
  const welcome = await new Promise<{ user?: { id: string } }>((resolve, reject) => {
    socket.once("whisk.welcome", resolve);
    socket.once("connect_error", reject);
  });
  return { socket, userId: welcome.user?.id ?? socket.id ?? "" };
}

/** `count` tokens, `concurrency` requests at a time (Whisk only): the token route's own rate. */
async function fetchTokens(count: number, concurrency: number) {
  const tokens: string[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (tokens.length < count) tokens.push((await token()) as string);
    }),
  );
  return { tokens: tokens.slice(0, count), perSecond: count / ((performance.now() - started) / 1000) };
}

/** `count` connections, `concurrency` at a time; failures are counted, not fatal. */
async function openMany(count: number, concurrency: number, url = job.url) {
  const sockets: Socket[] = [];
  let failed = 0;
  for (let i = 0; i < count; i += concurrency) {
    const opened = await Promise.allSettled(Array.from({ length: Math.min(concurrency, count - i) }, () => open(url)));
    for (const each of opened) {
      if (each.status === "fulfilled") sockets.push(each.value.socket);
      else failed += 1;
    }
  }
  return { sockets, failed };
}

/**
 * `count` handshakes, `concurrency` at a time: Whisk's each with its token request. Then (Whisk)
 * the two halves apart: the token route alone, and handshakes with the token already in hand.
 */
async function handshakes() {
  const count = job.count ?? 200;
  const concurrency = job.concurrency ?? 10;
  const connectAll = async (tokens?: string[]) => {
    const sockets: Socket[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const index = next++;
          sockets.push((await open(job.url, tokens?.[index])).socket);
        }
      }),
    );
    const perSecond = count / ((performance.now() - started) / 1000);
    for (const socket of sockets) socket.close();
    return perSecond;
  };
  const perSecond = await connectAll();
  // Bare socket.io's second round, so both "in hand" figures come from a warmed-up server.
  if (!job.whisk) return { handshakes: count, perSecond, withTokenInHandPerSecond: await connectAll() };
  const tokens = await fetchTokens(count, concurrency);
  return { handshakes: count, perSecond, tokensPerSecond: tokens.perSecond, withTokenInHandPerSecond: await connectAll(tokens.tokens) };
}

/**
 * Sends `send(socket)` at `rate` per second for `seconds`, round-robin over `sockets`, whatever the
 * answers do (open loop, so a slow server shows as latency, not as a lower rate).
 */
async function openLoop(sockets: Socket[], send: (socket: Socket, at: number) => Promise<unknown>) {
  const rate = job.rate ?? 200;
  const seconds = job.seconds ?? 5;
  let sent = 0;
  const pending: Promise<unknown>[] = [];
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    const wait = started + (sent * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(send(sockets[sent % sockets.length] as Socket, Date.now()));
    sent += 1;
  }
  await Promise.all(pending);
  return sent;
}

async function roundTrips() {
  const { sockets } = await openMany(job.count ?? 10, 50);
  const latencies: number[] = [];
  let errors = 0;
  const sent = await openLoop(sockets, async (socket) => {
    const at = performance.now();
    const ack = (await socket
      .timeout(10_000)
      .emitWithAck(job.event ?? "world.say", job.event === "world.ping" ? {} : { message: "bench" })
      .catch(() => null)) as { status: string } | null;
    if (ack?.status === "ok") latencies.push(performance.now() - at);
    else errors += 1;
  });
  for (const socket of sockets) socket.close();
  return {
    offered: job.rate ?? 200,
    sent,
    answered: latencies.length,
    errors,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

/**
 * Counts deliveries of one event on every socket, in rounds the orchestrator asks for: on
 * `{expect: n}` the next n messages on every socket, reported with their latencies (sender's clock,
 * read from the message by `sentAt`) once all arrived or the time ran out.
 */
function deliveryCounter(
  listeners: { on(event: string, listener: (message: never) => void): unknown }[],
  event: string,
  sentAt: (message: never) => number,
) {
  let round: { expected: number; latencies: number[]; lastAt: number; finish: () => void } | null = null;
  for (const listener of listeners) {
    listener.on(event, (message: never) => {
      if (!round) return;
      const now = Date.now();
      round.latencies.push(now - sentAt(message));
      round.lastAt = now;
      if (round.latencies.length === round.expected) round.finish();
    });
  }
  return async (messages: number, timeoutMs: number) => {
    const current = { expected: messages * listeners.length, latencies: [] as number[], lastAt: 0, finish: () => {} };
    const finished = new Promise<void>((resolve) => {
      current.finish = resolve;
    });
    round = current;
    print({ expecting: current.expected });
    await Promise.race([finished, sleep(timeoutMs)]);
    round = null;
    const { expected, latencies, lastAt } = current;
    print({ report: { listeners: listeners.length, expected, received: latencies.length, latencies, lastAt } });
  };
}

/**
 * Sockets that connect and stay, for the memory job; each counts `world.said` (a broadcast to
 * everyone connected) when asked with `{expect: n}`. Ends on SIGTERM or `{stop}`.
 */
async function hold() {
  const { sockets } = await openMany(job.count ?? 1000, job.concurrency ?? 50, job.gatewayUrl);
  const countRound = deliveryCounter(sockets, "world.said", (said: { message: string }) => Number(said.message));
  // Listen before telling the orchestrator, which may answer "holding" with SIGTERM.
  const stopped = new Promise((resolve) => process.once("SIGTERM", resolve));
  const commands = (async () => {
    for await (const line of createInterface({ input: process.stdin })) {
      const command = JSON.parse(line) as Command;
      if ("stop" in command) return;
      if ("expect" in command) void countRound(command.expect, command.timeoutMs);
    }
  })();
  print({ holding: sockets.length });
  await Promise.race([stopped, commands]);
  for (const socket of sockets) socket.close();
  return { held: sockets.length };
}

type Command = { expect: number; timeoutMs: number } | { say: number } | { stop: true };

/**
 * Listeners in one room. On `{expect: n}` they count the next n messages on every socket and
 * report their delivery latencies (publisher's clock) once all arrived or the time ran out; on
 * `{say: n}`, n of them speak at the same instant (a burst); on `{stop}` they leave.
 */
async function listen() {
  if (job.raw) return listenRaw();
  const room = job.room ?? "beach";
  const { sockets, failed } = await openMany(job.count ?? 1000, job.concurrency ?? 10);
  // rejoin: true enters quietly (no "entered" notice per listener).
  const entered = await Promise.allSettled(
    sockets.map((socket) => socket.timeout(60_000).emitWithAck("room.join", { room, rejoin: true })),
  );
  const listening = sockets.filter((_, i) => entered[i]?.status === "fulfilled");
  // Commands run as they come: a `say` must not wait for the round it is part of.
  const countRound = deliveryCounter(listening, "room.message", (message: { text: string }) => Number(message.text));
  print({ ready: listening.length, failedToEnter: failed + sockets.length - listening.length });

  const speak = async (speakers: number) => {
    const acks = await Promise.allSettled(
      listening.slice(0, speakers).map((socket) => socket.timeout(30_000).emitWithAck("room.send", { room, text: String(Date.now()) })),
    );
    print({ said: acks.filter((ack) => ack.status === "fulfilled").length });
  };
  for await (const line of createInterface({ input: process.stdin })) {
    const command = JSON.parse(line) as Command;
    if ("stop" in command) break;
    if ("say" in command) void speak(command.say);
    else void countRound(command.expect, command.timeoutMs);
  }
  for (const socket of sockets) socket.close();
  return { listened: listening.length };
}

/** `listen` against bench/raw-ws-server.ts: plain WebSockets, which hear every message said. */
async function listenRaw() {
  const url = `${job.url.replace(/^http/, "ws")}/raw`;
  const sockets: WebSocket[] = [];
  let failed = 0;
  const count = job.count ?? 1000;
  const concurrency = job.concurrency ?? 10;
  for (let i = 0; i < count; i += concurrency) {
    const opened = await Promise.allSettled(
      Array.from({ length: Math.min(concurrency, count - i) }, async () => {
        const socket = new WebSocket(url, { perMessageDeflate: false });
        await new Promise((resolve, reject) => {
          socket.once("open", resolve);
          socket.once("error", reject);
        });
        return socket;
      }),
    );
    for (const each of opened) {
      if (each.status === "fulfilled") sockets.push(each.value);
      else failed += 1;
    }
  }
  // The same counting as socket.io listeners: each socket's frames, parsed, as "room.message".
  const listeners = sockets.map((socket) => ({
    on: (_event: string, listener: (message: never) => void) => socket.on("message", (data) => listener(JSON.parse(String(data)) as never)),
  }));
  const countRound = deliveryCounter(listeners, "room.message", (message: { text: string }) => Number(message.text));
  print({ ready: sockets.length, failedToEnter: failed });
  for await (const line of createInterface({ input: process.stdin })) {
    const command = JSON.parse(line) as Command;
    if ("stop" in command) break;
    if ("expect" in command) void countRound(command.expect, command.timeoutMs);
  }
  for (const socket of sockets) socket.close();
  return { listened: sockets.length };
}

/** The ws_token the rooms page carries for its provider (`initialToken`), read from its HTML. */
const PAGE_TOKEN = /initialToken\\?":\{\\?"token\\?":\\?"([A-Za-z0-9_-]{20,})/;

/**
 * Time to connected, as a browser opening a page lives it. Whisk: the rooms page (it reads the
 * session cookie and mints the first token), then the socket with that token; and, to compare,
 * the way before the page carried a token: the page, a request to the token route, the socket.
 * Bare socket.io serves no page: the socket alone. `concurrency` loads at a time.
 */
async function pageLoads() {
  const count = job.count ?? 100;
  const concurrency = job.concurrency ?? 5;
  const withPageToken: number[] = [];
  const withTokenRoute: number[] = [];
  const pageOnly: number[] = [];
  const loadOnce = async (viaTokenRoute: boolean) => {
    if (!job.whisk) {
      const at = performance.now();
      (await open()).socket.close();
      return withPageToken.push(performance.now() - at);
    }
    const cookie = await memberCookie();
    const at = performance.now();
    const html = await (await fetch(`${job.url}/rooms/bench`, { headers: { cookie } })).text();
    const pageMs = performance.now() - at;
    let token = PAGE_TOKEN.exec(html)?.[1];
    if (!token) throw new Error("the rooms page carried no initial token");
    if (viaTokenRoute) {
      const response = await fetch(`${job.url}/api/chat-token`, { method: "POST", headers: { origin: job.url, cookie } });
      token = ((await response.json()) as { token: string }).token;
    }
    (await open(job.url, token)).socket.close();
    (viaTokenRoute ? withTokenRoute : withPageToken).push(performance.now() - at);
    if (!viaTokenRoute) pageOnly.push(pageMs);
  };
  const runAll = async (viaTokenRoute: boolean, loads = count) => {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < loads) await loadOnce(viaTokenRoute);
      }),
    );
    return loads / ((performance.now() - started) / 1000);
  };
  // Unmeasured first: a page's first renders compile its code, and the first sockets the client's.
  await runAll(false, concurrency * 2);
  await runAll(true, concurrency * 2);
  for (const timings of [withPageToken, withTokenRoute, pageOnly]) timings.length = 0;
  const perSecond = await runAll(false);
  const viaTokenRoutePerSecond = job.whisk ? await runAll(true) : undefined;
  return {
    loads: count,
    perSecond,
    p50: percentile(withPageToken, 50),
    p95: percentile(withPageToken, 95),
    ...(job.whisk
      ? {
          pageP50: percentile(pageOnly, 50),
          viaTokenRoutePerSecond,
          viaTokenRouteP50: percentile(withTokenRoute, 50),
          viaTokenRouteP95: percentile(withTokenRoute, 95),
        }
      : {}),
  };
}

/**
 * A member's cookie, a new member every SOCKETS_PER_MEMBER calls (the user's cap per gateway).
 * Calls made at once wait for one sign-in, so they share its member as calls made in turn do.
 */
let signingIn: Promise<void> = Promise.resolve();
function memberCookie(): Promise<string> {
  const turn = signingIn.then(async () => {
    if (member.tokens >= (job.socketsPerMember ?? SOCKETS_PER_MEMBER) || member.cookie === "")
      member = { cookie: await signInMember(job.url), tokens: 0 };
    member.tokens += 1;
    return member.cookie;
  });
  signingIn = turn.then(
    () => undefined,
    () => undefined,
  );
  return turn;
}

/**
 * A reconnect storm. `count` sockets connect to `gatewayUrl` and (Whisk) wait until each holds
 * the resume token the gateway hands it; then the orchestrator kills that gateway. Every socket
 * at once reconnects to another: Whisk's to one its resume token names, with that token (or, if it
 * is refused, a token from the token route, as WhiskConnection falls back to it); bare socket.io's
 * to `fallbackUrl`.
 * A handshake that fails otherwise is tried again after 100-500 ms. Reports when the last socket
 * was welcomed again, and how many token requests and retries that took.
 */
async function storm() {
  const count = job.count ?? 1000;
  const gatewayUrl = job.gatewayUrl ?? job.url;
  const fallbackUrl = job.fallbackUrl ?? job.url;
  const clients: StormClient[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, async () => {
        const cookie = job.whisk ? await memberCookie() : "";
        const token = job.whisk ? await tokenFor(job.url, cookie) : undefined;
        const client: StormClient = { cookie, socket: connectOnce(gatewayUrl, token) };
        client.socket.on("whisk.resume", (grant: { token: string; gateways?: string[] }) => {
          client.resume = grant.token;
          client.gateways = grant.gateways;
        });
        await welcomed(client.socket);
        return client;
      }),
    );
    clients.push(...batch);
  }
  while (job.whisk && clients.some((client) => !client.resume)) await sleep(200);
  let tokenRequests = 0;
  let retries = 0;
  let back = 0;
  let lastAt = 0;
  const allBack = new Promise<void>((resolve) => {
    const comeBack = async (client: StormClient) => {
      let token = client.resume;
      client.resume = undefined;
      // Where the resume token says the other gateways are, as WhiskConnection moves (else the fallback).
      const url = client.gateways?.[Math.floor(Math.random() * client.gateways.length)] ?? fallbackUrl;
      for (;;) {
        const socket = connectOnce(url, token);
        try {
          await welcomed(socket);
          client.socket = socket;
          break;
        } catch (error) {
          socket.close();
          const code = (error as { data?: { code?: string } }).data?.code;
          if (job.whisk && (code === "TOKEN_INVALID" || code === "UNAUTHORIZED" || token === undefined)) {
            tokenRequests += 1;
            token = await tokenFor(job.url, client.cookie);
          } else {
            retries += 1;
            await sleep(100 + Math.random() * 400);
          }
        }
      }
      lastAt = Date.now();
      if (++back === clients.length) resolve();
    };
    for (const client of clients) client.socket.once("disconnect", () => void comeBack(client));
  });
  print({ armed: clients.length });
  await allBack;
  print({ back: back, lastAt, tokenRequests, retries });
  await createInterface({ input: process.stdin })[Symbol.asyncIterator]().next();
  for (const client of clients) client.socket.close();
  return { sockets: clients.length, tokenRequests, retries };
}

interface StormClient {
  cookie: string;
  socket: Socket;
  resume?: string;
  gateways?: string[];
}

/** A socket.io connection with no reconnection of its own (the storm job reconnects by hand). */
function connectOnce(url: string, token: string | undefined): Socket {
  return io(url, {
    path: "/whisk",
    transports: ["websocket"],
    auth: job.whisk ? { token } : {},
    extraHeaders: { origin: job.url },
    reconnection: false,
    forceNew: true,
  });
}

/** Resolves on the welcome; rejects on a refusal, or after 20 s without either. */
function welcomed(socket: Socket): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no welcome in 20 s")), 20_000);
    socket.once("whisk.welcome", (welcome) => {
      clearTimeout(timer);
      resolve(welcome);
    });
    socket.once("connect_error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/**
 * The cross-node path: senders on one gateway send to one receiver on another. `room.whisper`:
 * a private message to the receiver (and its copy back to the sender), straight from the route
 * (Whisk: client > ws-1 > bus > ws-2 > client). `room.send`: a room message to everyone in the
 * room, senders included (Whisk: through a worker that appends it to history first). Bare
 * socket.io does the same through its Redis adapter.
 */
async function crossNode() {
  const room = job.room ?? "orbit";
  const event = job.event ?? "room.whisper";
  const receiver = await open(job.receiverUrl);
  const { sockets: senders } = await openMany(job.count ?? 50, 10, job.senderUrl);
  for (const socket of [receiver.socket, ...senders]) await socket.timeout(10_000).emitWithAck("room.join", { room, rejoin: true });
  const latencies: number[] = [];
  receiver.socket.on(event === "room.send" ? "room.message" : "inbox.message", (message: { text: string }) =>
    latencies.push(Date.now() - Number(message.text)),
  );
  const commands = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  // Everyone is in; the orchestrator starts its clocks once the servers are quiet, and says go.
  print({ ready: true });
  await commands.next();
  let refused = 0;
  const sent = await openLoop(senders, async (socket, at) => {
    const payload = event === "room.send" ? { room, text: String(at) } : { room, toUserId: receiver.userId, text: String(at) };
    const ack = (await socket
      .timeout(10_000)
      .emitWithAck(event, payload)
      .catch(() => null)) as { status: string } | null;
    if (ack?.status !== "ok") refused += 1;
  });
  const deadline = Date.now() + 5_000;
  while (latencies.length < sent - refused && Date.now() < deadline) await sleep(50);
  // The orchestrator stops its clocks before the sockets close: leaving is no part of the job,
  // as connecting was not (a Whisk gateway's leave also updates presence and subscriptions).
  print({ delivered: true });
  await commands.next();
  for (const socket of [receiver.socket, ...senders]) socket.close();
  return { offered: job.rate, sent, refused, received: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const run = { handshake: handshakes, rtt: roundTrips, hold, listen, crossNode, pageLoad: pageLoads, storm }[job.kind];
const result = await run();
print({ result, cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000 });
process.exit(0);
