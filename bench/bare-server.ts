/**
 * The baseline: a minimal socket.io server doing the benchmark's jobs with nothing of Whisk's:
 * no tokens, no sessions, no validation library, no bus. Same path and transports as Whisk.
 * With REDIS_URL (or REDIS_CLUSTER_NODES), several of them form one cluster through socket.io's
 * Redis adapter: the classic one by default (every server receives every broadcast), or, with
 * BENCH_ADAPTER=sharded, its sharded form (SPUBLISH; each server subscribes only to the rooms, and
 * socket ids, it holds).
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { createAdapter, createShardedAdapter } from "@socket.io/redis-adapter";
import { Cluster, Redis } from "ioredis";
import { Server } from "socket.io";

const port = Number(process.env.PORT ?? 4000);
const server = createServer((req, res) => {
  res.writeHead(req.url === "/healthz" ? 200 : 404).end(req.url === "/healthz" ? "ok" : "");
});
const io = new Server(server, { path: "/whisk", serveClient: false, maxHttpBufferSize: 64 * 1024 });
const key = process.env.BENCH_ADAPTER_KEY ?? "bench";
const clusterNodes = process.env.REDIS_CLUSTER_NODES?.split(",").map((node) => ({
  host: node.split(":")[0] as string,
  port: Number(node.split(":")[1]),
}));
if (process.env.REDIS_URL || clusterNodes) {
  const publisher = clusterNodes ? new Cluster(clusterNodes, { shardedSubscribers: true }) : new Redis(process.env.REDIS_URL as string);
  const subscriber = publisher instanceof Cluster ? publisher.duplicate() : publisher.duplicate();
  io.adapter(
    process.env.BENCH_ADAPTER === "sharded"
      ? createShardedAdapter(publisher, subscriber, { channelPrefix: key, subscriptionMode: "dynamic-private" })
      : createAdapter(publisher, subscriber, { key }),
  );
}

/** Stand-ins for a history position (Whisk stores the message; bare socket.io does not). */
const EPOCH = randomUUID();
let offset = 0;

io.on("connection", (socket) => {
  socket.emit("whisk.welcome", { nodeId: "bare", socketId: socket.id });
  socket.on("world.say", (payload: { message?: unknown }, ack?: (reply: unknown) => void) => {
    if (typeof payload?.message !== "string") return ack?.({ status: "error" });
    // The same fields as Whisk's world.said and its ack, so both put the same bytes on the wire.
    const said = { id: randomUUID(), user: { id: socket.id, name: "bench" }, message: payload.message, at: Date.now() };
    io.emit("world.said", said);
    ack?.({ status: "ok", data: { id: said.id } });
  });
  socket.on("world.ping", (_payload: unknown, ack?: (reply: unknown) => void) => ack?.({ status: "ok", data: { at: Date.now() } }));
  socket.on("room.join", (payload: { room?: unknown }, ack?: (reply: unknown) => void) => {
    if (typeof payload?.room !== "string") return ack?.({ status: "error" });
    void socket.join(payload.room);
    ack?.({ status: "ok", data: { room: payload.room, messages: [] } });
  });
  socket.on("room.send", (payload: { room?: unknown; text?: unknown }, ack?: (reply: unknown) => void) => {
    if (typeof payload?.room !== "string" || typeof payload.text !== "string") return ack?.({ status: "error" });
    // The same fields as Whisk's chat message, so both put the same bytes on the wire.
    offset += 1;
    const message = { id: randomUUID(), room: payload.room, author: { id: socket.id, name: "bench" }, text: payload.text, at: Date.now() };
    io.to(payload.room).emit("room.message", { ...message, position: { epoch: EPOCH, offset: `${Date.now()}-${offset}` } });
    ack?.({ status: "ok", data: { sent: true } });
  });
  // A private message to one socket, wherever it is connected (socket ids are rooms), and its copy
  // to the sender, as Whisk's whisper reaches both people. The same fields as Whisk's whisper, so
  // both carry about the same bytes over Redis and to the two sockets. Bare socket.io keeps
  // nothing: Whisk keeps each whisper in both people's inboxes (server/chat-inbox.ts).
  socket.on("room.whisper", (payload: { room?: unknown; toUserId?: unknown; text?: unknown }, ack?: (reply: unknown) => void) => {
    if (typeof payload?.room !== "string" || typeof payload.toUserId !== "string" || typeof payload.text !== "string")
      return ack?.({ status: "error" });
    const to = { id: payload.toUserId, name: "bench" };
    const whisper = {
      id: randomUUID(),
      chatRoom: payload.room,
      from: { id: socket.id, name: "bench" },
      to,
      text: payload.text,
      at: Date.now(),
    };
    io.to([payload.toUserId, socket.id]).emit("inbox.message", whisper);
    ack?.({ status: "ok", data: { sent: true, to } });
  });
});

server.listen(port, "127.0.0.1");
process.on("SIGTERM", () => {
  io.close();
  process.exit(0);
});
