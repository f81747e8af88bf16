/**
 * `npm run screenshots`: pictures of the room page for docs/, at desktop and phone width, in light
 * and dark mode, from a real server with two users talking. Needs the production build.
 */
import { chromium } from "@playwright/test";
import { CHROMIUM_ARGS, chromiumPath, startServerProcess } from "whisk/testing";

const server = await startServerProcess({ env: { WHISK_NODE_ID: "node-1", LOG_LEVEL: "warn" } });
const browser = await chromium.launch({ executablePath: chromiumPath(chromium.executablePath()), args: CHROMIUM_ARGS });
try {
  const signIn = async (name: string, viewport: { width: number; height: number }, colorScheme: "light" | "dark") => {
    const page = await (await browser.newContext({ baseURL: server.url, viewport, colorScheme })).newPage();
    await page.goto("/");
    await page.getByRole("textbox", { name: "Display name" }).fill(name);
    await page.getByRole("button", { name: "Join" }).click();
    await page.getByRole("status").filter({ hasText: "Connected to" }).waitFor();
    return page;
  };
  const say = async (page: Awaited<ReturnType<typeof signIn>>, text: string) => {
    await page.getByRole("textbox", { name: "Message" }).fill(text);
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => (document.querySelector('input[aria-label="Message"]') as HTMLInputElement | null)?.value === "");
  };
  for (const colorScheme of ["light", "dark"] as const) {
    for (const [label, viewport] of [
      ["desktop", { width: 1280, height: 800 }],
      ["phone", { width: 390, height: 844 }],
    ] as const) {
      const ada = await signIn("Ada", viewport, colorScheme);
      const grace = await signIn("Grace", { width: 1280, height: 800 }, colorScheme);
      await say(grace, "Has anyone seen the new compiler?");
      await say(ada, "Yes! It found three bugs before lunch.");
      await say(grace, "@Ada: can you send me the link?");
      await ada.getByRole("log").getByText("send me the link").waitFor();
      await ada.screenshot({ path: `docs/room-${label}-${colorScheme}.png` });
      await ada.context().close();
      await grace.context().close();
      console.log(`docs/room-${label}-${colorScheme}.png`);
    }
  }
} finally {
  await browser.close();
  await server.stop();
}
