/**
 * The practical limit of this machine for fan-out: a plain `ws` server with no protocol of its
 * own. A message from any client, `{"say": text}`, goes to every other client as one frame whose
 * payload is built once per message (the header ws adds per socket is a few bytes). No rooms, no
 * acks, no validation: what neither socket.io nor Whisk can beat on the same loopback.
 */
import { createServer } from "node:http";
import { type WebSocket, WebSocketServer } from "ws";

const port = Number(process.env.PORT ?? 4001);
const server = createServer((req, res) => {
  res.writeHead(req.url === "/healthz" ? 200 : 404).end(req.url === "/healthz" ? "ok" : "");
});
const wss = new WebSocketServer({ server, path: "/raw", maxPayload: 64 * 1024, perMessageDeflate: false });

wss.on("connection", (socket: WebSocket) => {
  socket.on("message", (data) => {
    const { say } = JSON.parse(String(data)) as { say?: unknown };
    if (typeof say !== "string") return;
    // The same fields as Whisk's chat message, so all three servers put about the same bytes on the wire.
    const frame = Buffer.from(
      JSON.stringify({ id: "raw", room: "beach", author: { id: "raw", name: "bench" }, text: say, at: Date.now() }),
    );
    for (const client of wss.clients) if (client !== socket) client.send(frame, { binary: false });
  });
});

server.listen(port, "127.0.0.1");
process.on("SIGTERM", () => {
  wss.close();
  server.close();
  process.exit(0);
});
