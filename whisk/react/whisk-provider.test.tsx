// @vitest-environment happy-dom
import { createServer } from "node:http";
import { StrictMode, useEffect } from "react";
import { createRoot } from "react-dom/client";
import { renderToString } from "react-dom/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { WhiskConnection } from "../client/whisk-connection";
import { createBuilders, defineRoutes, defineWhiskApp } from "../server";
import { createWhisk } from "../server/host";
import { freePort } from "../testing/free-port";
import { usePresence } from "./use-presence";
import { useWhisk } from "./use-whisk";
import { WhiskProvider } from "./whisk-provider";

function Status() {
  const { status, nodeId } = useWhisk();
  return <p>{nodeId ? `${status} to ${nodeId}` : status}</p>;
}

/** Joins "beach" once connected, and lists who is there. */
function Beach() {
  const { status, emit } = useWhisk();
  const people = usePresence("beach");
  useEffect(() => {
    if (status === "connected") void emit("lab.join", { room: "beach" });
  }, [status, emit]);
  return <p>{people.map((person) => `${person.userName}x${person.tabs}`).join(",") || "nobody"}</p>;
}

let mounts = 0;
function CountMounts() {
  useEffect(() => {
    mounts++;
  }, []);
  return null;
}

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.restoreAllMocks();
});

const { route } = createBuilders<object>();
const lab = defineRoutes("lab", {
  join: route.input(z.object({ room: z.string() })).handle(async ({ room }, ctx) => ctx.socket.join(room)),
});

async function startGateway() {
  const app = defineWhiskApp({ routes: [lab], observers: [], workers: [] });
  let connects = 0;
  const whisk = createWhisk({
    app,
    services: {},
    nodeId: "react-node",
    allowedOrigins: [window.location.origin],
    hooks: { onConnect: () => void connects++ },
  });
  const server = createServer();
  whisk.attachGateway(server);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  cleanups.push(async () => {
    await whisk.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const session = await whisk.sessions.create({ userId: "u1", userName: "One" }, 60_000);
  const getToken = vi.fn(async () => whisk.issueToken({ sessionId: session.id, userId: "u1" }));
  return { url: `http://127.0.0.1:${port}`, getToken, connects: () => connects, whisk };
}

describe("WhiskProvider", () => {
  it("connects nothing during server rendering", () => {
    const open = vi.spyOn(WhiskConnection.prototype, "open");
    const getToken = vi.fn();
    const html = renderToString(
      <WhiskProvider getToken={getToken}>
        <Status />
      </WhiskProvider>,
    );
    expect(html).toContain("disconnected");
    expect(open).not.toHaveBeenCalled();
    expect(getToken).not.toHaveBeenCalled();
  });

  it("opens exactly one socket under React Strict Mode", async () => {
    const gateway = await startGateway();
    const open = vi.spyOn(WhiskConnection.prototype, "open");
    const container = document.createElement("div");
    const root = createRoot(container);
    cleanups.push(() => root.unmount());
    // Real network events drive the updates, so this waits for the DOM instead of using act().
    root.render(
      <StrictMode>
        <WhiskProvider getToken={gateway.getToken} url={gateway.url}>
          <Status />
        </WhiskProvider>
      </StrictMode>,
    );
    await vi.waitFor(() => expect(container.textContent).toBe("connected to react-node"), { timeout: 5_000 });
    expect(open).toHaveBeenCalledTimes(1);
    expect(gateway.getToken).toHaveBeenCalledTimes(1);
    expect(gateway.connects()).toBe(1);
  });

  it("holds the connection back while enabled is false, and connects when it turns true without remounting", async () => {
    const gateway = await startGateway();
    const container = document.createElement("div");
    const root = createRoot(container);
    cleanups.push(() => root.unmount());
    mounts = 0;
    const render = (enabled: boolean) =>
      root.render(
        <WhiskProvider getToken={gateway.getToken} url={gateway.url} enabled={enabled}>
          <CountMounts />
          <Status />
        </WhiskProvider>,
      );
    render(false);
    await vi.waitFor(() => expect(container.textContent).toBe("disconnected"));
    // Proving a negative: give a (wrongly) scheduled open the macrotasks it would need to run.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(gateway.getToken).not.toHaveBeenCalled();
    render(true);
    await vi.waitFor(() => expect(container.textContent).toBe("connected to react-node"), { timeout: 5_000 });
    expect(mounts).toBe(1);
  });
});

describe("usePresence", () => {
  it("lists who is in a room, live, one entry per user with their tab count", async () => {
    const gateway = await startGateway();
    const containers = [document.createElement("div"), document.createElement("div")];
    for (const container of containers) {
      const root = createRoot(container);
      cleanups.push(() => root.unmount());
      root.render(
        <WhiskProvider getToken={gateway.getToken} url={gateway.url}>
          <Beach />
        </WhiskProvider>,
      );
    }
    // Two providers are two tabs of the same user: one person, two tabs.
    await vi.waitFor(() => expect(containers.map((c) => c.textContent)).toEqual(["Onex2", "Onex2"]), { timeout: 5_000 });
    const other = await gateway.whisk.sessions.create({ userId: "u2", userName: "Two" }, 60_000);
    const { token } = await gateway.whisk.issueToken({ sessionId: other.id, userId: "u2" });
    const { io } = await import("socket.io-client");
    const socket = io(gateway.url, { path: "/whisk", auth: { token }, extraHeaders: { origin: window.location.origin }, forceNew: true });
    cleanups.push(() => socket.close());
    socket.on("whisk.welcome", () => socket.emit("lab.join", { room: "beach" }, () => {}));
    await vi.waitFor(() => expect(containers[0]?.textContent).toBe("Onex2,Twox1"), { timeout: 5_000 });
    socket.close();
    await vi.waitFor(() => expect(containers[0]?.textContent).toBe("Onex2"), { timeout: 5_000 });
  });
});
