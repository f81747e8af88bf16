// @vitest-environment happy-dom
import { StrictMode } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type EventMap, type RouteMap, WhiskConnection } from "../client/whisk-connection";
import type { TokenGrant } from "../core/protocol";
import { startRoomGateway } from "../testing/lab-rooms-gateway";
import { type InboxHandle, useInbox } from "./use-inbox";
import { type RoomPresence, usePresence } from "./use-presence";
import { type RoomHandle, useRoom } from "./use-room";
import { WhiskProvider } from "./whisk-provider";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
const startGateway = () => startRoomGateway(cleanups);

type LabRoom = RoomHandle<{ text: string; room: string }, { text: string }, { sent: boolean }>;
const handles = new Map<string, LabRoom>();

/** One room's status and texts as a line, handing its handle to the test. */
function Room({ id, label = id }: { id: string; label?: string }) {
  const room = useRoom("lab", id) as unknown as LabRoom;
  handles.set(label, room);
  return <p>{`${room.status}|${room.messages.map((message) => message.text).join(",")}|${room.error?.message ?? ""}`}</p>;
}

type LabPresence = RoomPresence<{ typing?: boolean; note?: string }>;
const presences = new Map<string, LabPresence>();

/** A room's people as a line, "self-state/others-state", handing its presence to the test. */
function People({ id, label }: { id: string; label: string }) {
  const presence = usePresence("lab", id) as unknown as LabPresence;
  presences.set(label, presence);
  const line = (person: LabPresence["others"][number]) => `${person.userName}${person.state?.typing ? " typing" : ""}`;
  return <p>{`${presence.self ? line(presence.self) : "-"}/${presence.others.map(line).join(",")}`}</p>;
}

function render(
  gateway: { url: string; getToken: () => Promise<TokenGrant> },
  rooms: { id: string; label?: string }[],
  options: { people?: string } = {},
) {
  const container = document.createElement("div");
  const root = createRoot(container);
  const show = (shown: typeof rooms) =>
    root.render(
      <StrictMode>
        <WhiskProvider getToken={gateway.getToken} url={gateway.url}>
          {shown.map((room) => (
            <Room key={room.label ?? room.id} id={room.id} label={room.label} />
          ))}
          {options.people && shown[0] && <People id={shown[0].id} label={options.people} />}
        </WhiskProvider>
      </StrictMode>,
    );
  show(rooms);
  cleanups.push(() => root.unmount());
  return { container, show, root: root as Root };
}

const lines = (container: HTMLElement) => [...container.querySelectorAll("p")].map((p) => p.textContent);

describe("useRoom", () => {
  it("joins on mount under Strict Mode with the last messages, once, and shows what is sent there once each", async () => {
    const gateway = await startGateway();
    for (const text of ["a", "b", "c", "d", "e"]) await gateway.say("beach", text);
    const { container } = render(gateway, [{ id: "beach" }]);
    await vi.waitFor(() => expect(lines(container)).toEqual(["joined|c,d,e|"]), { timeout: 5_000 });
    expect(gateway.announced).toEqual(["One:beach"]);
    expect(await gateway.present("beach")).toBe(1);

    const answer = await handles.get("beach")?.send({ text: "f" });
    expect(answer).toEqual({ status: "ok", data: { sent: true } });
    await gateway.say("beach", "g");
    await vi.waitFor(() => expect(lines(container)).toEqual(["joined|c,d,e,f,g|"]));
  });

  it("leaves on unmount, and shares one join between two components holding the same room", async () => {
    const gateway = await startGateway();
    const { container, show } = render(gateway, [
      { id: "beach", label: "first" },
      { id: "beach", label: "second" },
    ]);
    await vi.waitFor(() => expect(lines(container)).toEqual(["joined||", "joined||"]), { timeout: 5_000 });
    expect(gateway.announced).toEqual(["One:beach"]);

    show([{ id: "beach", label: "second" }]);
    // Proving a negative: the leave of a released room comes a tick after its last holder let go.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await gateway.present("beach")).toBe(1);

    show([{ id: "orbit" }]);
    await vi.waitFor(() => expect(lines(container)).toEqual(["joined||"]));
    await vi.waitFor(async () => expect(await gateway.present("beach")).toBe(0));
    expect(await gateway.present("orbit")).toBe(1);
    expect(gateway.announced).toEqual(["One:beach", "One:orbit"]);
  });

  it("ends in the room it holds when the rooms change faster than a join is answered", async () => {
    const gateway = await startGateway();
    const { container, show } = render(gateway, [{ id: "beach" }]);
    await vi.waitFor(() => expect(lines(container)).toEqual(["joined||"]), { timeout: 5_000 });
    show([{ id: "slow" }]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    show([{ id: "beach" }]);
    await vi.waitFor(() => expect(lines(container)).toEqual(["joined||"]));
    // The slow join (150 ms) was sent first: once everything is answered, only beach is held.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect([await gateway.present("beach"), await gateway.present("slow")]).toEqual([1, 0]);
  });

  it("after a reconnect joins again quietly and shows exactly what it missed, in order", async () => {
    const gateway = await startGateway();
    await gateway.say("beach", "before");
    const { container } = render(gateway, [{ id: "beach" }]);
    await vi.waitFor(() => expect(lines(container)).toEqual(["joined|before|"]), { timeout: 5_000 });

    const openTokens = gateway.holdTokens();
    gateway.cutConnections();
    await vi.waitFor(() => expect(lines(container)).toEqual(["connecting|before|"]));
    // Said while this client had no socket: two of them, fewer than a page.
    await gateway.say("beach", "missed-1");
    await gateway.say("beach", "missed-2");
    openTokens();
    await vi.waitFor(() => expect(lines(container)).toEqual(["joined|before,missed-1,missed-2|"]), { timeout: 5_000 });
    await gateway.say("beach", "after");
    await vi.waitFor(() => expect(lines(container)).toEqual(["joined|before,missed-1,missed-2,after|"]));
    expect(gateway.announced).toEqual(["One:beach"]);
  }, 15_000);

  it("shows a refusal with the room's reason, and a send to a room not joined is refused", async () => {
    const gateway = await startGateway();
    const { container } = render(gateway, [{ id: "vault" }]);
    await vi.waitFor(() => expect(lines(container)).toEqual(["refused||Nobody enters the vault."]), { timeout: 5_000 });
    expect(await gateway.present("vault")).toBe(0);
    const answer = await handles.get("vault")?.send({ text: "let me in" });
    expect(answer).toMatchObject({ status: "error", error: { code: "FORBIDDEN", message: "Join the room before sending to it." } });
  });
});

describe("usePresence with state", () => {
  async function twoPeople() {
    const gateway = await startGateway();
    const one = render(gateway, [{ id: "beach" }], { people: "one" });
    const two = render({ url: gateway.url, getToken: await gateway.tokensOf("u2", "Two") }, [{ id: "beach" }], { people: "two" });
    await vi.waitFor(() => expect([lines(one.container)[1], lines(two.container)[1]]).toEqual(["One/Two", "Two/One"]), { timeout: 5_000 });
    return { gateway, one, two };
  }

  it("shows what a person says about themselves to them and to everyone in the room, and clears it", async () => {
    const { one, two } = await twoPeople();
    presences.get("one")?.update({ typing: true });
    await vi.waitFor(() => expect(lines(one.container)[1]).toBe("One typing/Two"));
    await vi.waitFor(() => expect(lines(two.container)[1]).toBe("Two/One typing"));
    presences.get("one")?.update({ note: "brb" });
    presences.get("one")?.update({ typing: false });
    await vi.waitFor(() => expect(lines(two.container)[1]).toBe("Two/One"));
    expect(presences.get("two")?.others[0]?.state).toEqual({ typing: false, note: "brb" });
  });

  it("sends a burst of changes as a few writes, the last one winning", async () => {
    const { gateway, two } = await twoPeople();
    const store = gateway.whisk.backend.presence;
    const add = vi.spyOn(store, "add");
    for (let n = 0; n < 50; n++) presences.get("one")?.update({ note: `n${n}` });
    await vi.waitFor(() => expect(presences.get("two")?.others[0]?.state).toEqual({ note: "n49" }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The first at once, then one for the rest of the burst (PRESENCE_THROTTLE_MS).
    expect(add.mock.calls.length).toBeLessThanOrEqual(2);
    expect(lines(two.container)[1]).toBe("Two/One");
  });

  it("says it again after a reconnect, on the new socket", async () => {
    const { gateway, two } = await twoPeople();
    presences.get("one")?.update({ typing: true });
    await vi.waitFor(() => expect(lines(two.container)[1]).toBe("Two/One typing"));
    const entryOfOne = async () => (await gateway.whisk.backend.presence.list("beach")).find((entry) => entry.userId === "u1");
    const before = (await entryOfOne())?.socketId;
    gateway.cutConnections();
    await vi.waitFor(
      async () => {
        const now = await entryOfOne();
        expect(now?.socketId).not.toBe(before);
        expect(now?.state).toEqual({ typing: true });
      },
      { timeout: 8_000 },
    );
    await vi.waitFor(() => expect(lines(two.container)[1]).toBe("Two/One typing"));
  }, 15_000);

  it("bounds a flood of 1,000 state changes: at most the socket's event budget is taken, the room hears a few, others go on", async () => {
    const gateway = await startGateway();
    const flooder = new WhiskConnection<RouteMap, EventMap>({ getToken: gateway.getToken, url: gateway.url });
    const listener = new WhiskConnection<RouteMap, EventMap>({ getToken: await gateway.tokensOf("u2", "Two"), url: gateway.url });
    cleanups.push(
      () => flooder.close(),
      () => listener.close(),
    );
    for (const connection of [flooder, listener]) {
      connection.open();
      await vi.waitFor(() => expect(connection.getState().status).toBe("connected"), { timeout: 5_000 });
      expect(await connection.emit("lab.join", { room: "beach" })).toMatchObject({ status: "ok" });
    }
    let heard = 0;
    listener.on("whisk.presence", () => heard++);
    const results = await Promise.all(
      Array.from({ length: 1_000 }, (_, n) =>
        flooder.emit("lab.presence", { room: "beach", state: { note: `n${n}` } }, { timeoutMs: 3_000 }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const taken = results.filter((result) => result.status === "ok").length;
    // The burst (40) and what refills meanwhile; every other one is refused, or unanswered once the flooder is cut.
    expect(taken).toBeLessThanOrEqual(60);
    console.info(`presence flood: ${taken} of 1,000 changes taken; the room heard ${heard} announcements`);
    expect(heard).toBeLessThanOrEqual(15);
    // The listener is served as before.
    expect(await listener.emit("lab.send", { room: "beach", text: "still here" })).toEqual({ status: "ok", data: { sent: true } });
  });

  it("refuses a state over 1 KB, one its schema does not accept, or one for a room not joined, and keeps serving", async () => {
    const gateway = await startGateway();
    const connection = new WhiskConnection<RouteMap, EventMap>({ getToken: gateway.getToken, url: gateway.url });
    cleanups.push(() => connection.close());
    connection.open();
    await vi.waitFor(() => expect(connection.getState().status).toBe("connected"), { timeout: 5_000 });
    expect(await connection.emit("lab.presence", { room: "beach", state: { typing: true } })).toMatchObject({
      status: "error",
      error: { code: "FORBIDDEN", message: "Join the room before setting your presence in it." },
    });
    expect(await connection.emit("lab.join", { room: "beach" })).toMatchObject({ status: "ok" });
    expect(await connection.emit("lab.presence", { room: "beach", state: { note: "x".repeat(2_000) } })).toMatchObject({
      status: "error",
      error: { code: "BAD_PAYLOAD", message: "A presence state is at most 1024 bytes of JSON (got 2011)." },
    });
    expect(await connection.emit("lab.presence", { room: "beach", state: { typing: "yes" } })).toMatchObject({
      status: "error",
      error: { code: "BAD_PAYLOAD" },
    });
    expect(await connection.emit("lab.presence", { room: "beach", state: { typing: true } })).toEqual({
      status: "ok",
      data: { room: "beach" },
    });
    expect((await gateway.whisk.backend.presence.list("beach"))[0]?.state).toEqual({ typing: true });
  });
});

describe("useInbox", () => {
  function Inbox() {
    const inbox = useInbox("labInbox") as unknown as InboxHandle<{ text: string }>;
    return <p>{`${inbox.status}|${inbox.messages.map((message) => message.text).join(",")}`}</p>;
  }

  it("holds this user's inbox: what was kept, what comes, and after a reconnect exactly what came meanwhile; never another's", async () => {
    const gateway = await startGateway();
    await gateway.tell("u1", "kept");
    await gateway.tell("u2", "for someone else");
    const container = document.createElement("div");
    const root = createRoot(container);
    root.render(
      <StrictMode>
        <WhiskProvider getToken={gateway.getToken} url={gateway.url}>
          <Inbox />
        </WhiskProvider>
      </StrictMode>,
    );
    cleanups.push(() => root.unmount());
    await vi.waitFor(() => expect(container.textContent).toBe("joined|kept"), { timeout: 5_000 });
    await gateway.tell("u1", "live");
    await vi.waitFor(() => expect(container.textContent).toBe("joined|kept,live"));

    const openTokens = gateway.holdTokens();
    gateway.cutConnections();
    await vi.waitFor(() => expect(container.textContent).toBe("connecting|kept,live"));
    for (const text of ["away-1", "away-2"]) await gateway.tell("u1", text);
    openTokens();
    await vi.waitFor(() => expect(container.textContent).toBe("joined|kept,live,away-1,away-2"), { timeout: 5_000 });
    await gateway.tell("u2", "still someone else's");
    await gateway.tell("u1", "after");
    await vi.waitFor(() => expect(container.textContent).toBe("joined|kept,live,away-1,away-2,after"));
  }, 15_000);
});
