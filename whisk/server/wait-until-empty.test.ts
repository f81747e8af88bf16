import { EventEmitter } from "node:events";
import type { Namespace } from "socket.io";
import { describe, expect, it } from "vitest";
import { waitUntilEmpty } from "./wait-until-empty";

/** A namespace as far as waitUntilEmpty sees it: its sockets, and "connection" for new ones. */
function namespace() {
  const sockets = new Map<string, EventEmitter>();
  const events = new EventEmitter();
  const ns = Object.assign(events, { sockets }) as unknown as Namespace;
  const connect = (id: string) => {
    const socket = new EventEmitter();
    sockets.set(id, socket);
    events.emit("connection", socket);
    return socket;
  };
  // As socket.io does: out of `sockets` first, then "disconnect".
  const disconnect = (id: string) => {
    const socket = sockets.get(id);
    sockets.delete(id);
    socket?.emit("disconnect");
  };
  return { ns, connect, disconnect };
}

describe("waitUntilEmpty", () => {
  it("resolves on the last disconnect, a socket that connected meanwhile included", async () => {
    const { ns, connect, disconnect } = namespace();
    connect("a");
    let done = false;
    const waiting = waitUntilEmpty(ns, 5_000).then(() => {
      done = true;
    });
    connect("b");
    disconnect("a");
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    disconnect("b");
    await waiting;
    expect(done).toBe(true);
  });

  it("resolves at once when empty, and after the timeout when sockets stay", async () => {
    const { ns, connect } = namespace();
    await waitUntilEmpty(ns, 5_000);
    connect("stays");
    const started = Date.now();
    await waitUntilEmpty(ns, 100);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });
});
