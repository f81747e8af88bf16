import { afterAll, describe, expect, it, vi } from "vitest";
import { type ConnectionState, WhiskConnection } from "whisk/client";
import type { TokenGrant } from "whisk/core";
import type { ClientRoutes, ServerEvents } from "whisk/server";
import { type ServerProcess, startServerProcess } from "whisk/testing";
import type { WhiskApp } from "@/server/app";
import { requestToken } from "./clients";

let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.stop();
});

/** Resolves when the connection's state satisfies `test`. */
function stateWhere(connection: { getState(): ConnectionState }, test: (state: ConnectionState) => boolean) {
  return vi.waitFor(() => expect(test(connection.getState())).toBe(true), { timeout: 20_000, interval: 20 });
}

describe("WhiskConnection against a server process that restarts", () => {
  it("shows reconnecting while the server is gone, then reconnects by itself with a fresh token", async () => {
    server = await startServerProcess({ env: { WHISK_NODE_ID: "it-first" } });
    const { port, url } = server;
    let cookie: string | undefined;
    const tokensIssued: string[] = [];
    const getToken = async (): Promise<TokenGrant> => {
      const grant = await requestToken(url, cookie);
      cookie = grant.cookie;
      tokensIssued.push(grant.token);
      return { token: grant.token, expiresAt: Date.now() + 10_000 };
    };
    const connection = new WhiskConnection<ClientRoutes<WhiskApp>, ServerEvents<WhiskApp>>({
      getToken,
      url,
      socketOptions: { extraHeaders: { origin: url }, reconnectionDelay: 100, reconnectionDelayMax: 500 },
    });
    const statuses: string[] = [];
    connection.subscribe(() => statuses.push(connection.getState().status));
    const heard: string[] = [];
    connection.on("world.said", (said) => heard.push(said.message));

    connection.open();
    await stateWhere(connection, (state) => state.status === "connected" && state.nodeId === "it-first");

    expect(await server.stop()).toBe(0);
    await stateWhere(connection, (state) => state.status === "reconnecting");

    server = await startServerProcess({ port, env: { WHISK_NODE_ID: "it-second", WHISK_ALLOWED_ORIGINS: url } });
    await stateWhere(connection, (state) => state.status === "connected" && state.nodeId === "it-second");

    expect(statuses).toEqual(expect.arrayContaining(["connecting", "connected", "reconnecting"]));
    expect(new Set(tokensIssued).size).toBe(tokensIssued.length);
    expect(tokensIssued.length).toBeGreaterThanOrEqual(2);

    // Listeners registered before the restart still work on the new socket.
    const ack = await connection.emit("world.say", { message: "back again" });
    expect(ack.status).toBe("ok");
    await vi.waitFor(() => expect(heard).toContain("back again"));
    connection.close();
    expect(connection.getState()).toEqual({ status: "disconnected", reason: "closed" });
  });
});
