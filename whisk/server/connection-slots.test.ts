import { EventEmitter } from "node:events";
import type { Socket } from "socket.io";
import { describe, expect, it } from "vitest";
import { ConnectionSlots } from "./connection-slots";

/**
 * A socket as socket.io's last middleware sees it: `next()` connects it on the next tick, or drops
 * it (no disconnect event ever) when its transport closed meanwhile, as socket.io's namespace does.
 */
function handshake(userId: string, transport: "open" | "closed" = "open") {
  const socket = Object.assign(new EventEmitter(), {
    connected: false,
    conn: { readyState: transport },
    data: { identity: { user: { id: userId } } },
    /** The client goes, or the server disconnects it: socket.io's _onclose. */
    leave() {
      if (!socket.connected) return;
      socket.connected = false;
      socket.emit("disconnect", "transport close");
    },
  });
  const next = () =>
    process.nextTick(() => {
      if (socket.conn.readyState === "open") socket.connected = true;
    });
  return { socket, raw: socket as unknown as Socket, next };
}
const tick = () => new Promise((resolve) => process.nextTick(resolve));

describe("ConnectionSlots", () => {
  it("admits up to the cap per user, refuses past it without calling next, and counts users apart", async () => {
    const slots = new ConnectionSlots(2);
    const admitted = [handshake("ada"), handshake("ada")];
    for (const each of admitted) expect(slots.admit(each.raw, "ada", each.next)).toBe(true);
    let called = false;
    expect(slots.admit(handshake("ada").raw, "ada", () => (called = true))).toBe(false);
    expect(called).toBe(false);
    const bob = handshake("bob");
    expect(slots.admit(bob.raw, "bob", bob.next)).toBe(true);
    await tick();
    expect(slots.held("ada")).toBe(2);
    expect(slots.held("bob")).toBe(1);
  });

  it("gives a slot back once when its socket disconnects, with one listener shared by every socket", async () => {
    const slots = new ConnectionSlots(3);
    const [a, b] = [handshake("ada"), handshake("ada")];
    slots.admit(a.raw, "ada", a.next);
    slots.admit(b.raw, "ada", b.next);
    await tick();
    expect(a.socket.connected).toBe(true);
    expect(a.socket.listeners("disconnect")).toHaveLength(1);
    expect(a.socket.listeners("disconnect")[0]).toBe(b.socket.listeners("disconnect")[0]);
    a.socket.leave();
    a.socket.leave();
    expect(slots.held("ada")).toBe(1);
    b.socket.leave();
    expect(slots.held("ada")).toBe(0);
  });

  it("gives the slot back when socket.io drops the socket, its transport closed during the handshake", async () => {
    const slots = new ConnectionSlots(1);
    const dropped = handshake("ada");
    expect(slots.admit(dropped.raw, "ada", dropped.next)).toBe(true);
    expect(slots.held("ada")).toBe(1);
    dropped.socket.conn.readyState = "closed";
    await tick();
    expect(dropped.socket.connected).toBe(false);
    expect(slots.held("ada")).toBe(0);
    const again = handshake("ada");
    expect(slots.admit(again.raw, "ada", again.next)).toBe(true);
  });

  it("takes nothing for a socket whose transport is already gone, and lets socket.io drop it", async () => {
    const slots = new ConnectionSlots(1);
    const gone = handshake("ada", "closed");
    let called = false;
    expect(slots.admit(gone.raw, "ada", () => (called = true))).toBe(true);
    expect(called).toBe(true);
    expect(slots.held("ada")).toBe(0);
  });

  it("gives back once a socket disconnected before its slot was settled", async () => {
    const slots = new ConnectionSlots(1);
    const quick = handshake("ada");
    // Connected, then at once disconnected (a connection handler ran socket.disconnect()).
    slots.admit(quick.raw, "ada", () =>
      process.nextTick(() => {
        quick.socket.connected = true;
        quick.socket.leave();
      }),
    );
    await tick();
    expect(slots.held("ada")).toBe(0);
    quick.socket.leave();
    expect(slots.held("ada")).toBe(0);
  });
});
