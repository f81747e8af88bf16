import { createServer } from "node:http";
import type { Gateway } from "../server/gateway";
import type { GatewayLimits } from "../server/gateway-limits";
import type { Whisk } from "../server/host";
import { freePort } from "./free-port";

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
