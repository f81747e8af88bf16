import pino from "pino";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { appRoom, toRoom } from "../core/address";
import { createEnvelope, type Envelope } from "../core/envelope";
import { historyPositionSchema } from "../history/history-position-schema";
import { MemoryHistoryStore } from "../history/memory-history-store";
import { createBuilders } from "./builders";
import type { AnyObserver } from "./definitions";
import { HistoryGapFiller } from "./history-gap-filler";

const { observe } = createBuilders<unknown>();
const said = z.object({ text: z.string(), position: historyPositionSchema });
const kept = observe(said)
  .kept({
    stream: (room) => `room:${room}`,
    position: (message) => message.position,
    payload: (entry, epoch) => ({ ...(entry.message as { text: string }), position: { epoch, offset: entry.offset } }),
  })
  .handle((message) => message);

function setUp(history = new MemoryHistoryStore()) {
  const observers = new Map<string, AnyObserver>([["chat.said", kept]]);
  const filled: number[] = [];
  const gaps = new HistoryGapFiller({
    history,
    observers,
    nodeId: "ws-1",
    log: pino({ level: "silent" }),
    onFilled: (n) => filled.push(n),
  });
  /** What the chat worker does: keep, then publish (here: the envelope that would travel). */
  const say = async (room: string, text: string): Promise<Envelope> => {
    const position = await history.append(`room:${room}`, { text });
    return createEnvelope({ topic: "chat.said", payload: { text, position }, to: [toRoom(room)], except: [], from: { nodeId: "w" } });
  };
  return { gaps, say, filled, history };
}

const texts = (envelopes: Envelope[]) => envelopes.map((envelope) => (envelope.payload as { text: string }).text);

describe("HistoryGapFiller", () => {
  it("fills what a room missed after the last message delivered here, oldest first, and drops the live copies of it", async () => {
    const { gaps, say, filled } = setUp();
    await gaps.roomHeld(appRoom("a"));
    const first = await say("a", "one");
    expect(gaps.roomsToDeliver(first, [appRoom("a")])).toEqual([appRoom("a")]);
    // The gap: two messages kept and published while this gateway heard nothing.
    const missedTwo = await say("a", "two");
    const missedThree = await say("a", "three");
    const missed = await gaps.missed([appRoom("a"), "user:u1"]);
    expect(texts(missed)).toEqual(["two", "three"]);
    expect(missed[0]?.to).toEqual([toRoom("a")]);
    expect(filled).toEqual([2]);
    // "three" was published after the fill read it: its live copy is not delivered again.
    expect(gaps.roomsToDeliver(missedThree, [appRoom("a")])).toEqual([]);
    expect(gaps.roomsToDeliver(missedTwo, [appRoom("a")])).toEqual([]);
    const next = await say("a", "four");
    expect(gaps.roomsToDeliver(next, [appRoom("a")])).toEqual([appRoom("a")]);
    expect(await gaps.missed([appRoom("a")])).toEqual([]);
  });

  it("fills a gap in a room held here before any of its messages were delivered, from where its stream stood", async () => {
    const { gaps, say } = setUp();
    await say("b", "old news");
    await gaps.roomHeld(appRoom("b"));
    await say("b", "missed");
    expect(texts(await gaps.missed([appRoom("b")]))).toEqual(["missed"]);

    // A stream that was empty when the room was first held here.
    await gaps.roomHeld(appRoom("c"));
    await say("c", "first ever");
    expect(texts(await gaps.missed([appRoom("c")]))).toEqual(["first ever"]);
  });

  it("fills nothing for a room no longer held here, nor for a user's or a socket's room", async () => {
    const { gaps, say } = setUp();
    await gaps.roomHeld(appRoom("d"));
    await gaps.roomHeld("user:u1");
    gaps.roomLeft(appRoom("d"));
    await say("d", "nobody here");
    expect(await gaps.missed([appRoom("d"), "user:u1", "socket-id"])).toEqual([]);
  });

  it("after a lost history (another epoch), fills with what the new one holds", async () => {
    let history = new MemoryHistoryStore();
    const store = {
      append: (stream: string, message: unknown) => history.append(stream, message),
      recent: (stream: string, limit: number) => history.recent(stream, limit),
      since: (stream: string, position: { epoch: string; offset: string }, limit: number) => history.since(stream, position, limit),
    };
    const { gaps, say } = setUp(store as MemoryHistoryStore);
    await gaps.roomHeld(appRoom("e"));
    const delivered = await say("e", "before the loss");
    expect(gaps.roomsToDeliver(delivered, [appRoom("e")])).toEqual([appRoom("e")]);
    history = new MemoryHistoryStore(); // Redis restarted empty: a new epoch, offsets from the start again
    await say("e", "in the new epoch");
    expect(texts(await gaps.missed([appRoom("e")]))).toEqual(["in the new epoch"]);
    const live = await say("e", "after");
    expect(gaps.roomsToDeliver(live, [appRoom("e")])).toEqual([appRoom("e")]);
    expect(await gaps.missed([appRoom("e")])).toEqual([]);
  });

  it("delivers messages that arrive in another order than they were appended, each once", async () => {
    const { gaps, say } = setUp();
    await gaps.roomHeld(appRoom("f"));
    const first = await say("f", "appended first");
    const second = await say("f", "appended second");
    // Two workers: the second published before the first; then Redis echoes the first again.
    expect(gaps.roomsToDeliver(second, [appRoom("f")])).toEqual([appRoom("f")]);
    expect(gaps.roomsToDeliver(first, [appRoom("f")])).toEqual([appRoom("f")]);
    expect(gaps.roomsToDeliver(first, [appRoom("f")])).toEqual([]);
    expect(await gaps.missed([appRoom("f")])).toEqual([]);
  });

  it("passes through what is not a kept topic, or carries no position, to every room", async () => {
    const { gaps } = setUp();
    const notice = createEnvelope({ topic: "chat.notice", payload: {}, to: [toRoom("a")], except: [], from: { nodeId: "w" } });
    const unpositioned = createEnvelope({
      topic: "chat.said",
      payload: { text: "x" },
      to: [toRoom("a")],
      except: [],
      from: { nodeId: "w" },
    });
    expect(gaps.roomsToDeliver(notice, [appRoom("a")])).toEqual([appRoom("a")]);
    expect(gaps.roomsToDeliver(unpositioned, [appRoom("a")])).toEqual([appRoom("a")]);
    expect(gaps.active).toBe(true);
  });
});
