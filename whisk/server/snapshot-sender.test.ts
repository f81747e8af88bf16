import type { Socket } from "socket.io";
import { describe, expect, it } from "vitest";
import type { PresentUser } from "../presence/presence-store";
import { SnapshotSender } from "./snapshot-sender";

/** Sockets of one fake namespace that records each local emit: to whom, what. */
function fakeNamespace() {
  const emits: { to: string[]; event: string; payload: unknown }[] = [];
  const nsp = {
    local: { to: (to: string[]) => ({ emit: (event: string, payload: unknown) => emits.push({ to: [...to], event, payload }) }) },
  };
  const socket = (id: string) => ({ id, nsp }) as unknown as Socket;
  return { emits, socket };
}

const users = (...names: string[]): PresentUser[] => names.map((name) => ({ userId: name, userName: name, tabs: 1 }));

describe("SnapshotSender", () => {
  it("sends one shared snapshot to all its joiners in one emit, after the turn", async () => {
    const { emits, socket } = fakeNamespace();
    const sender = new SnapshotSender();
    const shared = users("ada", "bob");
    sender.send(socket("s1"), "beach", shared);
    sender.send(socket("s2"), "beach", shared);
    expect(emits).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(emits).toEqual([{ to: ["s1", "s2"], event: "whisk.presence", payload: { room: "beach", kind: "snapshot", users: shared } }]);
  });

  it("sends different snapshots separately, each to its own joiners", async () => {
    const { emits, socket } = fakeNamespace();
    const sender = new SnapshotSender();
    sender.send(socket("s1"), "beach", users("ada"));
    sender.send(socket("s2"), "orbit", users("bob"));
    await new Promise((resolve) => setImmediate(resolve));
    expect(emits.map(({ to, payload }) => [to, (payload as { room: string }).room])).toEqual([
      [["s1"], "beach"],
      [["s2"], "orbit"],
    ]);
  });
});
