import { readFileSync } from "node:fs";
import pino from "pino";
import { io, type Socket } from "socket.io-client";
import type { Welcome } from "whisk/core";
import { createRedisBackend, createWhisk, type Whisk } from "whisk/host";
import { defineWhiskApp } from "whisk/server";
import { TEST_REDIS_URL, typedClient } from "whisk/testing";
import type { WhiskApp } from "@/server/app";

export interface Grant {
  token: string;
  /** The session cookie, to ask for another token for the same user. */
  cookie: string;
}

/** Asks the real token route for a ws_token, as a signed-in page's server action would. */
export async function requestToken(baseUrl: string, cookie?: string): Promise<Grant> {
  const response = await fetch(`${baseUrl}/api/ws-token`, {
    method: "POST",
    headers: { origin: baseUrl, ...(cookie ? { cookie } : {}) },
  });
  if (!response.ok) throw new Error(`token route answered ${response.status}`);
  const body = (await response.json()) as { token: string };
  const setCookie = response.headers.get("set-cookie");
  return { token: body.token, cookie: cookie ?? setCookie?.split(";")[0] ?? "" };
}

/**
 * Signs in with a display name through `POST /api/session` (the form's rules), and returns the
 * member session's cookie: the chat's routes, pages and token action serve members only.
 */
export async function signIn(baseUrl: string, name: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/session`, {
    method: "POST",
    headers: { origin: baseUrl, "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  if (!response.ok) throw new Error(`sign-in answered ${response.status}: ${await response.text()}`);
  return response.headers.get("set-cookie")?.split(";")[0] ?? "";
}

/** A signed-in member's token: sign in as `name`, then ask for a token with that cookie. */
export async function requestMemberToken(baseUrl: string, name: string): Promise<Grant> {
  return requestToken(baseUrl, await signIn(baseUrl, name));
}

export interface ConnectOptions {
  token?: unknown;
  origin?: string | null;
  transports?: ("polling" | "websocket")[];
}

export type Connected = { socket: Socket; welcome: Welcome };

/** Opens a real socket.io-client connection; resolves on the welcome, rejects with connect_error. */
export function connect(baseUrl: string, options: ConnectOptions = {}): Promise<Connected> {
  const origin = options.origin === undefined ? baseUrl : options.origin;
  const socket = io(baseUrl, {
    path: "/whisk",
    auth: options.token === undefined ? {} : { token: options.token },
    extraHeaders: origin === null ? {} : { origin },
    transports: options.transports ?? ["polling", "websocket"],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once("whisk.welcome", (welcome: Welcome) => resolve({ socket, welcome }));
    socket.once("connect_error", (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** The `connect_error` a refused connection gets. */
export async function refusal(
  baseUrl: string,
  options: ConnectOptions,
): Promise<Error & { data?: { code: string }; description?: unknown }> {
  try {
    const { socket } = await connect(baseUrl, options);
    socket.close();
  } catch (error) {
    return error as Error & { data?: { code: string } };
  }
  throw new Error("The connection was accepted, but a refusal was expected.");
}

/**
 * The demo app's client, typed by `WhiskApp`: `request(socket, "room.send", input)` resolves to
 * the route's ack (rejects after 5 s without one), `nextEvent(socket, "room.message", ms)` to the
 * event's payload (an observer's, or Whisk's own: `whisk.presence`, `disconnect`, ...). A misspelt
 * name or a wrong payload is a compile error. A test of an app of its own types these by that app
 * (`typedClient<typeof testApp>()` from whisk/testing); a test about input the app does not
 * declare (an unknown event, a malformed payload) says so with `requestRaw`.
 */
export const { request, nextEvent, nextEventWhere } = typedClient<WhiskApp>();
export { requestRaw } from "whisk/testing";

/** `list[index]`, or a failure that says it is missing. */
export function at<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`nothing at index ${index}`);
  return item;
}

/** A metric's value from a server's /metrics (summed over the series whose labels match), or 0. */
export async function metricValue(
  baseUrl: string,
  metricsToken: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text();
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

/** The resident memory of a process, in MB (Linux). */
export function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/**
 * The TCP states (Linux /proc/net/tcp, hex: "01" ESTABLISHED) of the server's side of the
 * connections from `clientPorts` to `serverPort` on 127.0.0.1: does the server still hold them?
 */
export function serverSideTcpStates(serverPort: number, clientPorts: number[]): string[] {
  const hexPort = (port: number) => port.toString(16).toUpperCase().padStart(4, "0");
  const wanted = new Set(clientPorts.map(hexPort));
  return readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter(([, local, remote]) => local?.endsWith(`:${hexPort(serverPort)}`) && wanted.has(remote?.split(":")[1] ?? ""))
    .map((fields) => fields[3] ?? "");
}

/**
 * A Whisk of its own on the app's Redis (key `prefix`), with no routes: a Node script, as a cron
 * job or an admin tool would be, that makes sessions and tokens and publishes on the bus.
 */
export async function startScriptNode(prefix: string): Promise<Whisk<object>> {
  const backend = await createRedisBackend({
    redis: { url: TEST_REDIS_URL },
    prefix,
    consumerName: "script",
    log: pino({ level: "silent" }),
  });
  return createWhisk({
    app: defineWhiskApp({ routes: [], observers: [], workers: [] }),
    services: {},
    nodeId: "script",
    logger: pino({ level: "silent" }),
    backend,
  });
}
