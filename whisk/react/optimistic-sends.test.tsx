// @vitest-environment happy-dom
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { TokenGrant } from "../core/protocol";
import { SLOW_WORKER_MS, startRoomGateway } from "../testing/lab-rooms-gateway";
import { type RoomHandle, useRoom } from "./use-room";
import { WhiskProvider } from "./whisk-provider";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Line = { text: string; clientId?: string };
type LabRoom = RoomHandle<Line & { room: string }, { text: string }, { sent: boolean }, Line>;
const handles = new Map<string, LabRoom>();

/** The room's messages, then its pending sends with their state, as one line: "a,b|c:sending". */
function SendingRoom({ label }: { label: string }) {
  const room = useRoom("lab", "beach", { optimistic: ({ text }) => ({ text }) }) as unknown as LabRoom;
  handles.set(label, room);
  const pending = room.pending.map((each) => `${each.message.text}:${each.state}${each.error ? `(${each.error.message})` : ""}`);
  return <p>{`${room.status}|${room.messages.map((message) => message.text).join(",")}|${pending.join(",")}`}</p>;
}

function render(gateway: { url: string }, getToken: () => Promise<TokenGrant>, label: string) {
  const container = document.createElement("div");
  const root = createRoot(container);
  root.render(
    <StrictMode>
      <WhiskProvider getToken={getToken} url={gateway.url}>
        <SendingRoom label={label} />
      </WhiskProvider>
    </StrictMode>,
  );
  cleanups.push(() => root.unmount());
  return () => container.textContent;
}

async function twoPeople() {
  const gateway = await startRoomGateway(cleanups);
  const ann = render(gateway, gateway.getToken, "ann");
  const bob = render(gateway, await gateway.tokensOf("u2", "Two"), "bob");
  await vi.waitFor(() => expect([ann(), bob()]).toEqual(["joined||", "joined||"]), { timeout: 5_000 });
  return { gateway, ann, bob, send: (who: string, text: string) => handles.get(who)?.send({ text }) };
}

describe("useRoom's optimistic sends", () => {
  it("shows a message at once as sending, then sent, and puts the room's copy in its place once the slow worker publishes it", async () => {
    const { ann, bob, send } = await twoPeople();
    const answer = send("ann", "slow:hello");
    await vi.waitFor(() => expect(ann()).toMatch(/^joined\|\|slow:hello:(sending|sent)$/));
    expect(await answer).toEqual({ status: "ok", data: { sent: true } });
    // Acknowledged by the route; the worker takes SLOW_WORKER_MS to publish it.
    await vi.waitFor(() => expect(ann()).toBe("joined||slow:hello:sent"));
    expect(bob()).toBe("joined||");
    await vi.waitFor(() => expect(ann()).toBe("joined|slow:hello|"), { timeout: SLOW_WORKER_MS * 5 });
    await vi.waitFor(() => expect(bob()).toBe("joined|slow:hello|"));
  });

  it("keeps the room's order across people: what others said meanwhile goes before a message still on its way", async () => {
    const { ann, bob, send } = await twoPeople();
    await send("ann", "slow:first from ann");
    await send("bob", "bob meanwhile");
    await vi.waitFor(() => expect(ann()).toBe("joined|bob meanwhile|slow:first from ann:sent"));
    await vi.waitFor(() => expect(ann()).toBe("joined|bob meanwhile,slow:first from ann|"), { timeout: SLOW_WORKER_MS * 5 });
    await vi.waitFor(() => expect(bob()).toBe("joined|bob meanwhile,slow:first from ann|"));
  });

  it("marks a refused message failed with the server's reason, and a retry sends it once it may", async () => {
    const { gateway, ann, bob, send } = await twoPeople();
    gateway.sends.refused = true;
    expect(await send("ann", "try me")).toMatchObject({ status: "error", error: { code: "FORBIDDEN" } });
    await vi.waitFor(() => expect(ann()).toBe("joined||try me:failed(Sends are closed.)"));
    const failed = handles.get("ann")?.pending[0]?.clientId ?? "";
    gateway.sends.refused = false;
    handles.get("ann")?.retry(failed);
    await vi.waitFor(() => expect(ann()).toBe("joined|try me|"));
    await vi.waitFor(() => expect(bob()).toBe("joined|try me|"));
  });

  it("forgets a failed message on discard, and sends nothing", async () => {
    const { gateway, ann, bob, send } = await twoPeople();
    gateway.sends.refused = true;
    await send("ann", "never mind");
    await vi.waitFor(() => expect(ann()).toBe("joined||never mind:failed(Sends are closed.)"));
    handles.get("ann")?.discard(handles.get("ann")?.pending[0]?.clientId ?? "");
    await vi.waitFor(() => expect(ann()).toBe("joined||"));
    gateway.sends.refused = false;
    await send("bob", "sentinel");
    await vi.waitFor(() => expect(ann()).toBe("joined|sentinel|"));
    expect(bob()).toBe("joined|sentinel|");
  });
});
