import { io } from "socket.io-client";
import { expect, test } from "whisk/testing/playwright";

/**
 * The rooms page brings its first ws_token with it (its layout mints it on the server), so a page
 * load connects with no token request; the page is never cached, and the token in it works once.
 * The hello-world page does the same for a returning visitor, guest or member.
 */
const isServerAction = (headers: Record<string, string>) => "next-action" in headers;

test("signing in opens the room and connects with no token request of its own", async ({ page }) => {
  const actions: string[] = [];
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (isServerAction(request.headers()) || path === "/api/chat-token") actions.push(path);
  });
  await page.goto("/");
  await page.getByRole("textbox", { name: "Display name" }).fill("Fay");
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page.getByRole("status")).toHaveText(/^Connected to /);
  // One action: the sign-in. The token came with the page.
  expect(actions).toEqual(["/"]);
  await page.reload();
  await expect(page.getByRole("status")).toHaveText(/^Connected to /);
  expect(actions).toEqual(["/"]);
});

test("hello-world: a first visit asks the action once (it makes the guest); a return visit connects with no token request", async ({
  page,
}) => {
  const asked: string[] = [];
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (isServerAction(request.headers()) || path === "/api/ws-token") asked.push(path);
  });
  await page.goto("/hello");
  await expect(page.getByRole("status")).toHaveText(/^Connected to /);
  expect(asked).toEqual(["/hello"]);
  const response = await page.request.get("/hello");
  expect(response.headers()["cache-control"]).toMatch(/no-store/);
  await page.reload();
  await expect(page.getByRole("status")).toHaveText(/^Connected to /);
  expect(asked).toEqual(["/hello"]);
});

test("the page holding a token is never stored, and its token connects once only", async ({ page, baseURL }) => {
  await page.goto("/");
  await page.getByRole("textbox", { name: "Display name" }).fill("Gus");
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page.getByRole("status")).toHaveText(/^Connected to /);
  // The same page fetched again with the cookie, as a cache between would see it.
  const response = await page.request.get("/rooms/room");
  expect(response.headers()["cache-control"]).toMatch(/no-store/);
  const html = await response.text();
  const token = /initialToken\\?":\{\\?"token\\?":\\?"([A-Za-z0-9_-]{20,})/.exec(html)?.[1];
  expect(token, "the page carries a token").toBeDefined();
  const tryToken = () =>
    new Promise<string>((resolve) => {
      const socket = io(baseURL as string, {
        path: "/whisk",
        auth: { token },
        extraHeaders: { origin: baseURL as string },
        transports: ["websocket"],
        reconnection: false,
      });
      socket.once("whisk.welcome", () => {
        socket.close();
        resolve("welcomed");
      });
      socket.once("connect_error", (error: Error & { data?: { code?: string } }) => {
        socket.close();
        resolve(error.data?.code ?? error.message);
      });
    });
  expect(await tryToken()).toBe("welcomed");
  // A copy replayed a hundred times is refused every time.
  const replays = await Promise.all(Array.from({ length: 100 }, tryToken));
  expect(new Set(replays)).toEqual(new Set(["TOKEN_INVALID"]));
});
