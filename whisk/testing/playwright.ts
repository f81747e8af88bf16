/**
 * Playwright fixtures for testing a Whisk app with many users at once. Each user is an isolated
 * browser context (own cookies, own socket) signed in as its own person.
 *
 * @example
 * import { expect, test } from "whisk/testing/playwright";
 *
 * test("everyone in the room hears it", async ({ users }) => {
 *   const [alice, bob] = await users(2);
 *   await alice.say("Hello");
 *   await bob.expectMessage("Hello");
 * });
 *
 * // An app whose pages use other words says so; the rest keep the demo's (DEFAULT_USER_LABELS).
 * const [ann] = await users(["Ann"], { labels: { nameBox: "Your name", join: "Sign in", send: "Post" } });
 */
import { type Browser, type BrowserContext, test as base, expect, type Page } from "@playwright/test";
import { type Cluster, startCluster } from "./cluster";
import { startRedisCluster } from "./redis-cluster-process";
import { TEST_REDIS_URL } from "./redis-for-tests";
import { connectedPattern, nodeFromStatus, type UserLabels, userLabels } from "./user-labels";

export { DEFAULT_USER_LABELS, type UserLabels } from "./user-labels";
export { expect };

export interface TestUser {
  name: string;
  page: Page;
  context: BrowserContext;
  /** Types into the message box and presses the send button. */
  say(text: string): Promise<void>;
  /** Waits until the message log (the page's role `log`) shows `text`. */
  expectMessage(text: string | RegExp): Promise<void>;
  /** Asserts the log does not show `text` (call it after something later has arrived). */
  expectNoMessage(text: string | RegExp): Promise<void>;
  /** The gateway this user's page is connected to, from the role `status` ("Connected to <node>"). */
  node(): Promise<string>;
  /** Closes this user's browser context, as closing the last tab would. */
  leave(): Promise<void>;
}

export interface UsersOptions {
  /** Where the app is; Playwright's baseURL by default. */
  url?: string;
  /**
   * The words the app's pages use for the sign-in form, the message box, the send button and the
   * connected status; each one not given is the demo's (`DEFAULT_USER_LABELS`).
   */
  labels?: Partial<UserLabels>;
  /** Signs one page in as `name`; by default `signInWithDisplayName`, with the name box and join button of `labels`. */
  signIn?: (page: Page, name: string, labels: UserLabels) => Promise<void>;
}

const NAMES = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy"];

/** The UI contract: at "/", a name textbox and a join button; signed in once role=status reads as connected. */
export async function signInWithDisplayName(page: Page, name: string, labels: UserLabels = userLabels()): Promise<void> {
  await page.goto("/");
  await page.getByRole("textbox", { name: labels.nameBox }).fill(name);
  await page.getByRole("button", { name: labels.join }).click();
  await expect(page.getByRole("status")).toHaveText(connectedPattern(labels));
}

async function openUser(browser: Browser, baseURL: string, name: string, options: UsersOptions): Promise<TestUser> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const labels = userLabels(options.labels);
  await (options.signIn ?? signInWithDisplayName)(page, name, labels);
  const log = page.getByRole("log");
  const messageBox = page.getByRole("textbox", { name: labels.messageBox });
  return {
    name,
    page,
    context,
    async say(text) {
      await messageBox.fill(text);
      await page.getByRole("button", { name: labels.send }).click();
      await expect(messageBox).toHaveValue("");
    },
    async expectMessage(text) {
      await expect(log).toContainText(text);
    },
    async expectNoMessage(text) {
      await expect(log).not.toContainText(text, { timeout: 0 });
    },
    async node() {
      return nodeFromStatus((await page.getByRole("status").textContent()) ?? "", labels);
    },
    async leave() {
      await context.close();
    },
  };
}

type Tuple<T, N extends number, Built extends T[] = []> = Built["length"] extends N ? Built : Tuple<T, N, [...Built, T]>;

/** `await users(3)` or `await users(["Ann", "Ben"])`: signed-in users, closed after the test. */
export interface Users {
  <const Names extends readonly string[]>(names: Names, options?: UsersOptions): Promise<{ [K in keyof Names]: TestUser }>;
  <N extends 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10>(count: N, options?: UsersOptions): Promise<Tuple<TestUser, N>>;
}

export interface WhiskFixtures {
  users: Users;
}

export const test = base.extend<WhiskFixtures>({
  users: async ({ browser, baseURL }, use) => {
    const opened: TestUser[] = [];
    const users = async (who: number | readonly string[], options: UsersOptions = {}) => {
      const names = typeof who === "number" ? NAMES.slice(0, who) : [...who];
      const url = options.url ?? baseURL;
      if (!url) throw new Error("users() needs a URL: set use.baseURL in playwright.config.ts or pass { url }.");
      for (const name of names) opened.push(await openUser(browser, url, name, options));
      return opened.slice(-names.length);
    };
    await use(users as Users);
    for (const user of opened) await user.context.close().catch(() => {});
  },
});

/**
 * The same fixtures against a real multi-node system (1 web, 3 gateways, 1 worker, over Redis),
 * started once per Playwright worker and stopped after; `users()` then signs in through its web node.
 * `clusterTest.use({ onRedisCluster: true })` runs it over a Redis Cluster of 3 masters started
 * for it (redis-server needed) instead of the test Redis.
 */
export const clusterTest = test.extend<{ cluster: Cluster }, { whiskCluster: Cluster; onRedisCluster: boolean }>({
  onRedisCluster: [false, { scope: "worker", option: true }],
  whiskCluster: [
    async ({ onRedisCluster }, use) => {
      const redisCluster = onRedisCluster ? await startRedisCluster() : undefined;
      const cluster = await startCluster(redisCluster ? { redisClusterNodes: redisCluster.nodes } : { redisUrl: TEST_REDIS_URL });
      await use(cluster);
      await cluster.stop();
      await redisCluster?.stop();
    },
    { scope: "worker", timeout: 120_000 },
  ],
  cluster: async ({ whiskCluster }, use) => use(whiskCluster),
  users: async ({ users, whiskCluster }, use) => {
    const onCluster = (who: number | readonly string[], options: UsersOptions = {}) =>
      (users as (who: number | readonly string[], options: UsersOptions) => Promise<TestUser[]>)(who, {
        url: whiskCluster.url,
        ...options,
      });
    await use(onCluster as Users);
  },
});
