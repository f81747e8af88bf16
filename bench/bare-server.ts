/**
 * The baseline: a minimal socket.io server doing the benchmark's jobs with nothing of Whisk's:
 * no tokens, no sessions, no validation library, no bus. Same path and transports as Whisk.
 * With REDIS_URL, several of them form one cluster through socket.io's Redis adapter.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { createAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";
import { Server } from "socket.io";

const port = Number(process.env.PORT ?? 4000);
const server = createServer((req, res) => {
  res.writeHead(req.url === "/healthz" ? 200 : 404).end(req.url === "/healthz" ? "ok" : "");
});
const io = new Server(server, { path: "/whisk", serveClient: false, maxHttpBufferSize: 64 * 1024 });
if (process.env.REDIS_URL) {
  const publisher = new Redis(process.env.REDIS_URL);
  io.adapter(createAdapter(publisher, publisher.duplicate(), { key: process.env.BENCH_ADAPTER_KEY ?? "bench" }));
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
  socket.on("room.enter", (payload: { room?: unknown }, ack?: (reply: unknown) => void) => {
    if (typeof payload?.room !== "string") return ack?.({ status: "error" });
    void socket.join(payload.room);
    ack?.({ status: "ok", data: { room: payload.room, messages: [] } });
  });
  socket.on("room.say", (payload: { room?: unknown; text?: unknown }, ack?: (reply: unknown) => void) => {
    if (typeof payload?.room !== "string" || typeof payload.text !== "string") return ack?.({ status: "error" });
    // The same fields as Whisk's chat message, so both put the same bytes on the wire.
    offset += 1;
    const message = { id: randomUUID(), room: payload.room, author: { id: socket.id, name: "bench" }, text: payload.text, at: Date.now() };
    io.to(payload.room).emit("room.message", { ...message, position: { epoch: EPOCH, offset: `${Date.now()}-${offset}` } });
    ack?.({ status: "ok", data: { sent: true } });
  });
  // A private message to one socket, wherever it is connected (socket ids are rooms).
  socket.on("room.whisper", (payload: { toUserId?: unknown; text?: unknown }, ack?: (reply: unknown) => void) => {
    if (typeof payload?.toUserId !== "string" || typeof payload.text !== "string") return ack?.({ status: "error" });
    io.to(payload.toUserId).emit("room.private", { text: payload.text, at: Date.now() });
    ack?.({ status: "ok", data: { sent: true } });
  });
});

server.listen(port, "127.0.0.1");
process.on("SIGTERM", () => {
  io.close();
  process.exit(0);
});
