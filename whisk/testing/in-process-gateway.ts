import { createServer } from "node:http";
import { io, type Socket } from "socket.io-client";
import { WELCOME_EVENT } from "../core/protocol";
import type { Gateway } from "../server/gateway";
import type { GatewayLimits } from "../server/gateway-limits";
import type { Whisk } from "../server/host";
import { freePort } from "./free-port";
import { nextEventRaw } from "./typed-client";

/**
 * Serves `whisk`'s gateway on 127.0.0.1 from this process (a test's own server), and adds to
 * `cleanups` what closes it: Whisk first, then every connection, then the server.
 */
export async function serveGateway<AppContext>(
  whisk: Whisk<AppContext>,
  cleanups: (() => unknown)[],
  options: { port?: number; limits?: Partial<GatewayLimits> } = {},
): Promise<{ url: string; gateway: Gateway<AppContext> }> {
  const server = createServer();
  const gateway = whisk.attachGateway(server, { limits: options.limits });
  const port = options.port ?? (await freePort());
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  cleanups.push(async () => {
    await whisk.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${port}`, gateway };
}

/**
 * A socket.io client of an in-process gateway, signed in as a new session of `user` (made in
 * `whisk`'s own stores), welcomed; `cleanups` closes it. Over WebSocket, without reconnecting.
 */
export async function connectAs<AppContext>(
  whisk: Whisk<AppContext>,
  url: string,
  user: { id: string; name?: string; sessionId?: string },
  options: { origin: string; cleanups: (() => unknown)[] },
): Promise<Socket> {
  const sessionId = user.sessionId ?? (await whisk.sessions.create({ userId: user.id, userName: user.name ?? user.id }, 60_000)).id;
  const { token } = await whisk.issueToken({ sessionId, userId: user.id });
  const socket = io(url, {
    path: "/whisk",
    auth: { token },
    extraHeaders: { origin: options.origin },
    transports: ["websocket"],
    reconnection: false,
  });
  options.cleanups.push(() => socket.close());
  await nextEventRaw(socket, WELCOME_EVENT);
  return socket;
}
