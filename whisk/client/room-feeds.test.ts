import { afterEach, describe, expect, it, vi } from "vitest";
import type { EmitResult } from "../core/result";
import type { ConnectionState } from "./connection-state";
import { CONFIRM_TIMEOUT_MS, type RoomConnection, RoomFeeds } from "./room-feeds";

/** A connection that is connected, answers joins with nothing and sends as `answerSend` says, and records what it was sent. */
function fakeConnection(answerSend: () => EmitResult<unknown>) {
  const state: ConnectionState = { status: "connected", nodeId: "n1", socketId: "s1", user: { id: "u1", name: "One" } };
  const sent: { event: string; payload: Record<string, unknown> }[] = [];
  const listeners = new Map<string, (payload: unknown) => void>();
  const connection: RoomConnection = {
    getState: () => state,
    subscribe: () => () => {},
    emit: async (event, payload) => {
      sent.push({ event, payload: payload as Record<string, unknown> });
      if (event.endsWith(".join")) return { status: "ok", data: { messages: [], resumed: false } };
      return event.endsWith(".send") ? answerSend() : { status: "ok", data: null };
    },
    on: (event, listener) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
  };
  /** The room's copy of a message, as the server would deliver it. */
  const deliver = (message: Record<string, unknown>) => listeners.get("lab.message")?.(message);
  return { connection, sent, deliver };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("RoomFeeds' pending sends (unit, a fake connection)", () => {
  it("marks an acknowledged message failed when its copy does not come back within CONFIRM_TIMEOUT_MS", async () => {
    vi.useFakeTimers();
    const { connection } = fakeConnection(() => ({ status: "ok", data: { sent: true } }));
    const feeds = new RoomFeeds(connection);
    feeds.hold("lab", "beach");
    await vi.advanceTimersByTimeAsync(0);
    await feeds.send("lab", "beach", { text: "lost" }, { text: "lost" });
    expect(feeds.view("lab", "beach").pending.map((each) => each.state)).toEqual(["sent"]);
    await vi.advanceTimersByTimeAsync(CONFIRM_TIMEOUT_MS - 1);
    expect(feeds.view("lab", "beach").pending.map((each) => each.state)).toEqual(["sent"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(feeds.view("lab", "beach").pending).toEqual([
      expect.objectContaining({
        state: "failed",
        error: { code: "TIMEOUT", message: "Sent, but it did not come back from the room in time." },
      }),
    ]);
  });

  it("takes a copy that comes before the answer as the message, and shows nothing pending after", async () => {
    const deliverFirst: { run?: () => void } = {};
    const { connection, sent, deliver } = fakeConnection(() => {
      deliverFirst.run?.();
      return { status: "ok", data: { sent: true } };
    });
    const feeds = new RoomFeeds(connection);
    feeds.hold("lab", "beach");
    await new Promise((resolve) => setTimeout(resolve, 0));
    deliverFirst.run = () => {
      const clientId = sent.at(-1)?.payload.clientId;
      deliver({ text: "quick", room: "beach", clientId, position: { epoch: "e", offset: "1" } });
    };
    await feeds.send("lab", "beach", { text: "quick" }, { text: "quick" });
    expect(feeds.view("lab", "beach").messages).toEqual([expect.objectContaining({ text: "quick" })]);
    expect(feeds.view("lab", "beach").pending).toEqual([]);
  });

  it("retries under the same client id, and a copy of another sender's id does not touch ours", async () => {
    let answer: EmitResult<unknown> = { status: "timeout" };
    const { connection, sent, deliver } = fakeConnection(() => answer);
    const feeds = new RoomFeeds(connection);
    feeds.hold("lab", "beach");
    await new Promise((resolve) => setTimeout(resolve, 0));
    await feeds.send("lab", "beach", { text: "again" }, { text: "again" });
    const [failed] = feeds.view("lab", "beach").pending;
    expect(failed?.state).toBe("failed");
    expect(failed?.error?.code).toBe("TIMEOUT");
    deliver({ text: "someone else's", room: "beach", clientId: "0123456789abcdef", position: { epoch: "e", offset: "1" } });
    expect(feeds.view("lab", "beach").pending).toHaveLength(1);
    answer = { status: "ok", data: { sent: true } };
    await feeds.retry("lab", "beach", failed?.clientId ?? "");
    const sends = sent.filter((each) => each.event === "lab.send");
    expect(sends.map((each) => each.payload.clientId)).toEqual([failed?.clientId, failed?.clientId]);
    expect(sends[0]?.payload).toEqual({ text: "again", room: "beach", clientId: failed?.clientId });
    expect(feeds.view("lab", "beach").pending.map((each) => each.state)).toEqual(["sent"]);
  });

  it("sends without a pending message when no optimistic copy is given", async () => {
    const { connection, sent } = fakeConnection(() => ({ status: "ok", data: { sent: true } }));
    const feeds = new RoomFeeds(connection);
    feeds.hold("lab", "beach");
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await feeds.send("lab", "beach", { text: "plain" })).toEqual({ status: "ok", data: { sent: true } });
    expect(sent.at(-1)?.payload.clientId).toMatch(/^[0-9a-f]{32}$/);
    expect(feeds.view("lab", "beach").pending).toEqual([]);
  });
});
