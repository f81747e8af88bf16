import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ConnectionState } from "whisk/react";
import { ConnectionStatus } from "./connection-status";

const hook = vi.hoisted(() => ({ state: { status: "disconnected", reason: "idle" } as ConnectionState, retryNow: () => {} }));
vi.mock("@/app/lib/whisk", () => ({ useWhisk: () => hook }));

afterEach(() => {
  vi.useRealTimers();
});

/** The status line's text, and whether a Retry button stands beside it. */
function render(state: ConnectionState) {
  hook.state = state;
  const html = renderToStaticMarkup(<ConnectionStatus />);
  const status = /<p role="status"[^>]*>(.*?)<\/p>/.exec(html)?.[1]?.replace(/<span[^>]*><\/span>/, "");
  return { status, retry: /<button[^>]*>Retry<\/button>/.test(html) };
}

const failed = { code: "INTERNAL", message: "Could not get a ws_token: the token action (getToken) failed." } as const;

describe("ConnectionStatus", () => {
  it.each<[string, ConnectionState, string, boolean]>([
    ["connected", { status: "connected", nodeId: "ws-1", socketId: "s", user: { id: "u", name: "U" } }, "Connected to ws-1", false],
    ["before the first try", { status: "disconnected", reason: "idle" }, "Disconnected", false],
    ["closed by the page", { status: "disconnected", reason: "closed" }, "Disconnected", false],
    ["the first try under way", { status: "connecting", attempt: 1 }, "Connecting…", false],
    ["a try failed", { status: "connecting", attempt: 2, lastError: failed }, "Connecting…", true],
    ["reconnecting", { status: "reconnecting", attempt: 1 }, "Reconnecting…", true],
    ["sent away by the server", { status: "disconnected", reason: "server" }, "Disconnected by the server", true],
    ["an error no retry fixes", { status: "error", error: { code: "FORBIDDEN", message: "No." } }, "Connection failed: No.", true],
  ])("%s: reads %j, with a Retry button: %s", (_name, state, status, retry) => {
    expect(render(state)).toEqual({ status, retry });
  });

  it("says when the next try comes while Whisk is still retrying, and offers to try now", () => {
    vi.useFakeTimers({ toFake: ["Date"], now: 1_000_000 });
    expect(render({ status: "error", error: failed, retryAt: 1_012_300 })).toEqual({
      status: `Connection failed: ${failed.message} Retrying in 13 s.`,
      retry: true,
    });
    expect(render({ status: "error", error: failed, retryAt: 1_000_000 }).status).toBe(`Connection failed: ${failed.message} Retrying…`);
  });
});
