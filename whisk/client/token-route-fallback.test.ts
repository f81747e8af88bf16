import { describe, expect, it, vi } from "vitest";
import { WhiskError } from "../core/errors";
import type { TokenGrant } from "../core/protocol";
import { withTokenRouteFallback } from "./token-route-fallback";

const grant: TokenGrant = { token: "from-the-action", expiresAt: 1_000 };
const routeGrant: TokenGrant = { token: "from-the-route", expiresAt: 2_000 };

/** What Next.js throws in the browser for an action id the new build does not know. */
const unknownAction = new Error('Server Action "7f3a..." was not found on the server.');

const throwing = () => vi.fn(async (): Promise<TokenGrant> => Promise.reject(unknownAction));
const answering = (status: number, body: unknown) =>
  vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => new Response(JSON.stringify(body), { status }));

describe("withTokenRouteFallback", () => {
  it("uses the action's grant while the action works, and fetches nothing", async () => {
    const fetch = answering(200, routeGrant);
    const getToken = withTokenRouteFallback(async () => grant, { url: "/api/ws-token", fetch });
    expect(await getToken()).toEqual(grant);
    expect(fetch).not.toHaveBeenCalled();
  });

  it("when the action throws, POSTs to the route with the page's cookie and uses its grant", async () => {
    const fetch = answering(200, { ...routeGrant, url: "https://ws-2.example" });
    const action = throwing();
    const getToken = withTokenRouteFallback(action, { url: "/api/chat-token", fetch });
    expect(await getToken()).toEqual({ ...routeGrant, url: "https://ws-2.example" });
    expect(action).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe("/api/chat-token");
    expect(init).toMatchObject({ method: "POST", credentials: "same-origin" });
  });

  it("tries the action first on every call: it works again once the page is reloaded or the old build is back", async () => {
    const fetch = answering(200, routeGrant);
    let fails = true;
    const getToken = withTokenRouteFallback(async () => (fails ? Promise.reject(unknownAction) : grant), { url: "/api/ws-token", fetch });
    expect(await getToken()).toEqual(routeGrant);
    fails = false;
    expect(await getToken()).toEqual(grant);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("throws the route's refusal as a WhiskError with its code and message: a guest at a members-only route", async () => {
    const fetch = answering(401, {
      error: { code: "UNAUTHORIZED", message: "Sign in first: there is no session to issue a ws_token for." },
    });
    const getToken = withTokenRouteFallback(throwing(), { url: "/api/chat-token", fetch });
    const thrown = await getToken().catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(WhiskError);
    expect(thrown).toMatchObject({ code: "UNAUTHORIZED", message: "Sign in first: there is no session to issue a ws_token for." });
  });

  it("keeps a refusal's code when the route sends no message, with the code's own text", async () => {
    const fetch = answering(429, { error: { code: "RATE_LIMITED" } });
    const thrown = await withTokenRouteFallback(throwing(), { url: "/api/ws-token", fetch })().catch((error: unknown) => error);
    expect(thrown).toMatchObject({ code: "RATE_LIMITED", message: "Too many events too fast; slow down or be disconnected." });
  });

  it.each<[string, typeof fetch]>([
    ["the network fails", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch")))],
    ["the route answers 500 without a Whisk code", answering(500, { message: "Internal Server Error" })],
    ["the route answers HTML", vi.fn(async () => new Response("<html>oops</html>", { status: 502 }))],
    ["the route answers 200 without a token", answering(200, { token: "", expiresAt: 1 })],
    ["the route answers an unknown code", answering(400, { error: { code: "NOPE", message: "?" } })],
  ])("throws the action's own error when %s", async (_name, fetch) => {
    const getToken = withTokenRouteFallback(throwing(), { url: "/api/ws-token", fetch });
    await expect(getToken()).rejects.toBe(unknownAction);
  });

  it("fetches with the global fetch when none is given", async () => {
    const fetch = answering(200, routeGrant);
    vi.stubGlobal("fetch", fetch);
    try {
      expect(await withTokenRouteFallback(throwing(), { url: "/api/ws-token" })()).toEqual(routeGrant);
      expect(fetch).toHaveBeenCalledTimes(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
