// @vitest-environment happy-dom
import { StrictMode, useEffect } from "react";
import { createRoot } from "react-dom/client";
import { renderToString } from "react-dom/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { WhiskConnection } from "../client/whisk-connection";
import { WhiskError } from "../core/errors";
import type { TokenGrant } from "../core/protocol";
import { createBuilders, defineRoutes, defineWhiskApp } from "../server";
import { createWhisk } from "../server/host";
import { serveGateway } from "../testing/in-process-gateway";
import { usePresence } from "./use-presence";
import { useWhisk } from "./use-whisk";
import { type RouteCaller, useWhiskRoute } from "./use-whisk-route";
import { WhiskProvider } from "./whisk-provider";

function Status() {
  const { status, nodeId } = useWhisk();
  return <p>{nodeId ? `${status} to ${nodeId}` : status}</p>;
}

/** Joins "beach" once connected, and lists who is there. */
function Beach() {
  const { status, emit } = useWhisk();
  const { self, others } = usePresence("lab", "beach");
  const people = self ? [self, ...others] : others;
  useEffect(() => {
    if (status === "connected") void emit("lab.join", { room: "beach" });
  }, [status, emit]);
  return <p>{people.map((person) => `${person.userName}x${person.tabs}`).join(",") || "nobody"}</p>;
}

/** The status, and a Retry button as the app's status line has. */
function StatusWithRetry() {
  const { status, retryNow } = useWhisk();
  return (
    <>
      <p>{status}</p>
      <button type="button" onClick={retryNow}>
        Retry
      </button>
    </>
  );
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
  vi.unstubAllGlobals();
});

const { route } = createBuilders<object>();
const lab = defineRoutes("lab", {
  join: route.input(z.object({ room: z.string() })).handle(async ({ room }, ctx) => ctx.socket.join(room)),
  // Answers with what it was sent, after `delayMs`.
  echo: route.input(z.object({ text: z.string(), delayMs: z.number() })).handle(async ({ text, delayMs }) => {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return { text };
  }),
  refuse: route.input(z.object({})).handle(async () => {
    throw new WhiskError("FORBIDDEN", "Not for you.");
  }),
});

/** Renders a route caller's state as one line, and hands the caller to the test. */
let caller: RouteCaller<unknown, unknown>;
function CallerState({ route: event }: { route: string }) {
  caller = useWhiskRoute(event);
  const { status } = useWhisk();
  const data = caller.data === undefined ? "" : JSON.stringify(caller.data);
  return <p>{`${status}|${caller.pending ? "pending" : "idle"}|${data}|${caller.error?.code ?? ""}`}</p>;
}

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
  const { url } = await serveGateway(whisk, cleanups);
  const session = await whisk.sessions.create({ userId: "u1", userName: "One" }, 60_000);
  const getToken = vi.fn(async () => whisk.issueToken({ sessionId: session.id, userId: "u1" }));
  return { url, getToken, connects: () => connects, whisk };
}

/**
 * The provider with a status line, under Strict Mode, once connected. Real network events drive
 * the updates, so this waits for the DOM instead of using act().
 */
async function renderConnectedInStrictMode(gateway: { getToken: () => Promise<TokenGrant>; url: string }) {
  const container = document.createElement("div");
  const root = createRoot(container);
  root.render(
    <StrictMode>
      <WhiskProvider getToken={gateway.getToken} url={gateway.url}>
        <Status />
      </WhiskProvider>
    </StrictMode>,
  );
  await vi.waitFor(() => expect(container.textContent).toBe("connected to react-node"), { timeout: 5_000 });
  return { container, root };
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
    const { root } = await renderConnectedInStrictMode(gateway);
    cleanups.push(() => root.unmount());
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

describe("WhiskProvider's ways back", () => {
  it("installs one `online` and one `visibilitychange` listener under Strict Mode, and removes them on unmount", async () => {
    const gateway = await startGateway();
    const listening = (spy: { mock: { calls: unknown[][] } }, type: string) => spy.mock.calls.filter(([name]) => name === type).length;
    const added = [vi.spyOn(window, "addEventListener"), vi.spyOn(document, "addEventListener")] as const;
    const removed = [vi.spyOn(window, "removeEventListener"), vi.spyOn(document, "removeEventListener")] as const;
    const { root } = await renderConnectedInStrictMode(gateway);
    expect([listening(added[0], "online"), listening(added[1], "visibilitychange")]).toEqual([1, 1]);
    expect([listening(removed[0], "online"), listening(removed[1], "visibilitychange")]).toEqual([0, 0]);
    root.unmount();
    expect([listening(removed[0], "online"), listening(removed[1], "visibilitychange")]).toEqual([1, 1]);
  });

  it("gives useWhisk() a retryNow that starts again after a refusal no retry fixes", async () => {
    const gateway = await startGateway();
    let allowed = false;
    const getToken = vi.fn(async () => {
      if (!allowed) throw new WhiskError("FORBIDDEN", "Not yet.");
      return gateway.getToken();
    });
    const container = document.createElement("div");
    document.body.append(container);
    cleanups.push(() => container.remove());
    const root = createRoot(container);
    cleanups.push(() => root.unmount());
    root.render(
      <WhiskProvider getToken={getToken} url={gateway.url}>
        <StatusWithRetry />
      </WhiskProvider>,
    );
    await vi.waitFor(() => expect(container.querySelector("p")?.textContent).toBe("error"), { timeout: 5_000 });
    allowed = true;
    container.querySelector("button")?.click();
    await vi.waitFor(() => expect(container.querySelector("p")?.textContent).toBe("connected"), { timeout: 5_000 });
    expect(gateway.connects()).toBe(1);
  });

  it("fetches the token from tokenRoute, with the page's cookie, when getToken throws", async () => {
    const gateway = await startGateway();
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => Response.json(await gateway.getToken()));
    vi.stubGlobal("fetch", fetch);
    const unknownAction = vi.fn(async () => {
      throw new Error('Server Action "7f3a..." was not found on the server.');
    });
    const container = document.createElement("div");
    const root = createRoot(container);
    cleanups.push(() => root.unmount());
    root.render(
      <WhiskProvider getToken={unknownAction} url={gateway.url} tokenRoute="/api/ws-token">
        <Status />
      </WhiskProvider>,
    );
    await vi.waitFor(() => expect(container.textContent).toBe("connected to react-node"), { timeout: 5_000 });
    expect(unknownAction).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0]?.[0]).toBe("/api/ws-token");
    expect(fetch.mock.calls[0]?.[1]).toMatchObject({ method: "POST", credentials: "same-origin" });
  });

  it("does not fetch anything without a tokenRoute: getToken's failure shows", async () => {
    const fetch = vi.fn();
    vi.stubGlobal("fetch", fetch);
    const gateway = await startGateway();
    const container = document.createElement("div");
    const root = createRoot(container);
    cleanups.push(() => root.unmount());
    root.render(
      <WhiskProvider
        getToken={async () => {
          throw new WhiskError("FORBIDDEN", "No.");
        }}
        url={gateway.url}
      >
        <Status />
      </WhiskProvider>,
    );
    await vi.waitFor(() => expect(container.textContent).toBe("error"), { timeout: 5_000 });
    expect(fetch).not.toHaveBeenCalled();
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

describe("useWhiskRoute", () => {
  async function renderCaller(event: string) {
    const gateway = await startGateway();
    const container = document.createElement("div");
    const root = createRoot(container);
    cleanups.push(() => root.unmount());
    root.render(
      <StrictMode>
        <WhiskProvider getToken={gateway.getToken} url={gateway.url}>
          <CallerState route={event} />
        </WhiskProvider>
      </StrictMode>,
    );
    await vi.waitFor(() => expect(container.textContent).toBe("connected|idle||"), { timeout: 5_000 });
    return container;
  }

  it("is pending while a call is under way, then holds its answer", async () => {
    const container = await renderCaller("lab.echo");
    const sent = caller.send({ text: "hi", delayMs: 200 });
    await vi.waitFor(() => expect(container.textContent).toBe("connected|pending||"));
    expect(await sent).toEqual({ status: "ok", data: { text: "hi" } });
    await vi.waitFor(() => expect(container.textContent).toBe('connected|idle|{"text":"hi"}|'));
  });

  it("holds the error of a refused call, a bad payload and a call with no answer in time", async () => {
    const refused = await renderCaller("lab.refuse");
    expect(await caller.send({})).toMatchObject({ status: "error", error: { code: "FORBIDDEN" } });
    await vi.waitFor(() => expect(refused.textContent).toBe("connected|idle||FORBIDDEN"));

    const echo = await renderCaller("lab.echo");
    await caller.send({ text: 42 });
    await vi.waitFor(() => expect(echo.textContent).toBe("connected|idle||BAD_PAYLOAD"));
    expect(await caller.send({ text: "slow", delayMs: 300 }, { timeoutMs: 50 })).toEqual({ status: "timeout" });
    await vi.waitFor(() => expect(echo.textContent).toBe("connected|idle||TIMEOUT"));
    // A later call that succeeds clears the error; reset clears the answer.
    await caller.send({ text: "fine", delayMs: 0 });
    await vi.waitFor(() => expect(echo.textContent).toBe('connected|idle|{"text":"fine"}|'));
    caller.reset();
    await vi.waitFor(() => expect(echo.textContent).toBe("connected|idle||"));
  });

  it("shows the latest call's answer when an earlier one answers last, and stays pending until both have", async () => {
    const container = await renderCaller("lab.echo");
    const slow = caller.send({ text: "first", delayMs: 400 });
    const fast = caller.send({ text: "second", delayMs: 0 });
    await fast;
    await vi.waitFor(() => expect(container.textContent).toBe('connected|pending|{"text":"second"}|'));
    await slow;
    await vi.waitFor(() => expect(container.textContent).toBe('connected|idle|{"text":"second"}|'));
  });
});
