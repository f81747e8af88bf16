import { createServer } from "node:http";
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { TrustedProxies } from "./client-address";
import { limitConnectionsPerAddress } from "./connections-per-address";

const servers: ReturnType<typeof createServer>[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

async function serve(max: number, trusted: string[] = []) {
  const server = createServer((_req, res) => res.end("ok"));
  servers.push(server);
  const refused: string[] = [];
  const addresses = limitConnectionsPerAddress(server, {
    max,
    trustedProxies: new TrustedProxies(trusted),
    onRefused: (a) => refused.push(a),
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return { port, refused, addresses };
}

/** Opens a TCP connection from `from` (Linux routes all of 127/8 to loopback); resolves "open" or "closed" after a moment. */
async function attempt(port: number, from: string): Promise<"open" | "closed"> {
  const socket = connect({ host: "127.0.0.1", port, localAddress: from });
  sockets.push(socket);
  socket.on("error", () => {});
  const closed = new Promise<"closed">((resolve) => socket.once("close", () => resolve("closed")));
  return Promise.race([closed, new Promise<"open">((resolve) => setTimeout(() => resolve("open"), 200))]);
}

describe("limitConnectionsPerAddress", () => {
  it("closes an address's connections past the limit, counts others apart, and frees a slot on close", async () => {
    const { port, refused, addresses } = await serve(3);
    const results = await Promise.all(Array.from({ length: 5 }, () => attempt(port, "127.0.0.2")));
    expect(results.filter((result) => result === "open")).toHaveLength(3);
    expect(refused).toHaveLength(2);
    expect(await attempt(port, "127.0.0.3")).toBe("open");
    expect(addresses()).toBe(2);
    sockets[0]?.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await attempt(port, "127.0.0.2")).toBe("open");
  });

  it("does not count a trusted proxy's connections, and is off at 0", async () => {
    const proxied = await serve(1, ["127.0.0.4"]);
    expect(await Promise.all([attempt(proxied.port, "127.0.0.4"), attempt(proxied.port, "127.0.0.4")])).toEqual(["open", "open"]);
    const off = await serve(0);
    expect(await Promise.all([attempt(off.port, "127.0.0.5"), attempt(off.port, "127.0.0.5")])).toEqual(["open", "open"]);
  });
});
