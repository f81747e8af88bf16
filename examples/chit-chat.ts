/**
 * chit-chat: the chat from a terminal, a client outside the browser (the original Whisk's
 * "chit-chat" example, with `whisk/client`). It signs in through the HTTP API as a browser's form
 * does (POST /api/session), fetches a one-time ws_token before every (re)connect (POST
 * /api/chat-token), enters a room, prints what is said there (and whispers to it), and says each line you type. After
 * a reconnect it enters again from the last message it printed, so it misses nothing and repeats
 * nothing. An empty line or end of input (Ctrl-D) leaves.
 *
 *   node --import tsx examples/chit-chat.ts --url http://localhost:3000 --name Ada --room beach
 *
 * Typed end to end like the pages: a misspelt route or a wrong payload does not compile.
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { WhiskConnection } from "whisk/client";
import type { TokenGrant } from "whisk/core";
import type { ClientRooms, ClientRoutes, ServerEvents } from "whisk/server";
import type { WhiskApp } from "../server/app";
import { roomTitle } from "../server/rooms";

type ChatLine = ClientRooms<WhiskApp>["room"]["message"];
type Whisper = ClientRooms<WhiskApp>["inbox"]["message"];

const { values: options } = parseArgs({
  options: {
    url: { type: "string", default: "http://localhost:3000" },
    name: { type: "string", default: "Terminal" },
    room: { type: "string", default: "room" },
  },
});
const url = new URL(options.url).origin;
const print = (line: string) => process.stdout.write(`${line}\n`);

/** The session cookie the sign-in sets, sent back with every token request. */
async function signIn(name: string): Promise<string> {
  const response = await fetch(`${url}/api/session`, {
    method: "POST",
    headers: { origin: url, "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  const body = (await response.json()) as { user?: { name: string }; error?: { message: string } };
  if (!response.ok || !body.user) throw new Error(`Sign-in refused: ${body.error?.message ?? response.status}`);
  print(`Signed in as ${body.user.name}.`);
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
}

async function main() {
  const cookie = await signIn(options.name);
  const getToken = async (): Promise<TokenGrant> => {
    const response = await fetch(`${url}/api/chat-token`, { method: "POST", headers: { origin: url, cookie } });
    if (!response.ok) throw new Error(`No token (${response.status}): signed out?`);
    return (await response.json()) as TokenGrant;
  };
  const connection = new WhiskConnection<ClientRoutes<WhiskApp>, ServerEvents<WhiskApp>>({
    getToken,
    url,
    // A browser sends its page's origin; a terminal says which one it speaks for.
    socketOptions: { extraHeaders: { origin: url } },
  });
  const room = options.room as ClientRooms<WhiskApp>["room"]["id"];
  // Held for as long as this runs: joined on every new socket, first with the room's history,
  // then with exactly what was missed. Each message is printed once. The user's inbox likewise,
  // from the first welcome on (it is the user's own): no whisper is lost across a reconnect.
  connection.rooms.hold("room", room);
  let inbox: string | null = null;
  connection.subscribe(() => {
    const state = connection.getState();
    if (state.status !== "connected" || inbox) return;
    inbox = state.user.id;
    connection.rooms.hold("inbox", inbox);
  });
  const printed = new Set<string>();
  let lastStatus = "";
  let headed = false;
  connection.rooms.subscribe(() => {
    const view = connection.rooms.view<ChatLine>("room", room);
    if (view.status !== lastStatus) {
      lastStatus = view.status;
      const state = connection.getState();
      if (view.status === "joined" && !headed && state.status === "connected") {
        headed = true;
        print(`-- ${roomTitle(room)} (on ${state.nodeId}) --`);
      }
      if (view.status === "refused") print(`Could not enter ${room}: ${view.error?.message ?? "no answer"}`);
    }
    for (const message of view.messages) {
      const key = `${message.position.epoch}:${message.position.offset}`;
      if (printed.has(key)) continue;
      printed.add(key);
      print(message.notice === "entered" ? `* ${message.author.name} entered the room` : `${message.author.name}: ${message.text}`);
    }
    for (const whisper of inbox ? connection.rooms.view<Whisper>("inbox", inbox).messages : []) {
      const key = `inbox:${whisper.position.epoch}:${whisper.position.offset}`;
      if (printed.has(key) || whisper.chatRoom !== room) continue;
      printed.add(key);
      print(`(private) ${whisper.from.name} to ${whisper.to.name}: ${whisper.text}`);
    }
  });
  connection.open();

  const input = createInterface({ input: process.stdin });
  for await (const line of input) {
    const text = line.trim();
    if (!text) break;
    const result = await connection.emit("room.send", { room, text });
    if (result.status !== "ok") print(`Not sent: ${result.status === "error" ? result.error.message : "no answer"}`);
  }
  connection.close();
  print("Bye.");
  // Left on an empty line, stdin may still be open (a pipe): it would keep the process alive.
  process.stdin.destroy();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
