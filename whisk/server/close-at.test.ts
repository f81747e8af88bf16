import type { Namespace, Socket } from "socket.io";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SocketIdentity } from "./auth-middleware";
import { SessionEnds } from "./close-at";

/** A namespace of fake sockets, each removed from it when disconnected, as socket.io does. */
function namespaceOf() {
  const sockets = new Map<string, Socket>();
  const add = (id: string, sessionExpiresAt: number | undefined) => {
    const disconnect = vi.fn(() => sockets.delete(id));
    const identity = sessionExpiresAt === undefined ? undefined : ({ sessionExpiresAt } as SocketIdentity);
    sockets.set(id, { id, data: { identity }, disconnect } as unknown as Socket);
    return disconnect;
  };
  return { namespace: { sockets } as Pick<Namespace, "sockets">, add, sockets };
}

describe("SessionEnds", () => {
  const ends: SessionEnds[] = [];
  afterEach(() => {
    for (const each of ends.splice(0)) each.stop();
    vi.useRealTimers();
  });
  const watching = (namespace: Pick<Namespace, "sockets">) => {
    const sessionEnds = new SessionEnds(namespace);
    ends.push(sessionEnds);
    return sessionEnds;
  };

  it("waits past the 24.8 days one Node timer can hold, and closes exactly at the time", () => {
    vi.useFakeTimers({ now: 0 });
    const { namespace, add } = namespaceOf();
    const thirtyDays = 30 * 24 * 3600 * 1000;
    const close = add("a", thirtyDays);
    watching(namespace).watch(thirtyDays);
    vi.advanceTimersByTime(2 ** 31 - 1);
    expect(close).not.toHaveBeenCalled();
    vi.advanceTimersByTime(thirtyDays - (2 ** 31 - 1) - 1);
    expect(close).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(close).toHaveBeenCalledExactlyOnceWith(true);
  });

  it("closes on the next turn when the time has passed or is not a number, never synchronously", () => {
    vi.useFakeTimers({ now: 1_000 });
    const { namespace, add } = namespaceOf();
    const sessionEnds = watching(namespace);
    const late = add("late", 500);
    const noExpiry = add("no-expiry", Number.NaN);
    sessionEnds.watch(500);
    sessionEnds.watch(Number.NaN);
    expect(late).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0);
    expect(late).toHaveBeenCalledOnce();
    expect(noExpiry).toHaveBeenCalledOnce();
  });

  it("closes each socket at its own session's end, and nobody else", () => {
    vi.useFakeTimers({ now: 0 });
    const { namespace, add } = namespaceOf();
    const sessionEnds = watching(namespace);
    // Watched in any order; sockets of one session share its end.
    const third = add("third", 9_000);
    const first = add("first", 2_000);
    const firstToo = add("first-too", 2_000);
    const second = add("second", 5_000);
    const unknown = add("no-identity", undefined);
    for (const at of [9_000, 2_000, 2_000, 5_000]) sessionEnds.watch(at);
    vi.advanceTimersByTime(1_999);
    expect(first).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(first).toHaveBeenCalledOnce();
    expect(firstToo).toHaveBeenCalledOnce();
    expect(second).not.toHaveBeenCalled();
    vi.advanceTimersByTime(3_000);
    expect(second).toHaveBeenCalledOnce();
    expect(third).not.toHaveBeenCalled();
    vi.advanceTimersByTime(4_000);
    expect(third).toHaveBeenCalledOnce();
    expect(unknown).not.toHaveBeenCalled();
  });

  it("closes nobody for a socket gone before its end, and keeps timing the others", () => {
    vi.useFakeTimers({ now: 0 });
    const { namespace, add, sockets } = namespaceOf();
    const sessionEnds = watching(namespace);
    const gone = add("gone", 1_000);
    const kept = add("kept", 3_000);
    sessionEnds.watch(1_000);
    sessionEnds.watch(3_000);
    sockets.delete("gone");
    vi.advanceTimersByTime(1_000);
    expect(gone).not.toHaveBeenCalled();
    expect(kept).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2_000);
    expect(kept).toHaveBeenCalledOnce();
  });

  it("an earlier end watched later moves the timer forward", () => {
    vi.useFakeTimers({ now: 0 });
    const { namespace, add } = namespaceOf();
    const sessionEnds = watching(namespace);
    const later = add("later", 10_000);
    sessionEnds.watch(10_000);
    const sooner = add("sooner", 1_000);
    sessionEnds.watch(1_000);
    vi.advanceTimersByTime(1_000);
    expect(sooner).toHaveBeenCalledOnce();
    expect(later).not.toHaveBeenCalled();
    vi.advanceTimersByTime(9_000);
    expect(later).toHaveBeenCalledOnce();
  });

  it("looks at the sockets at most every 100 ms: ends close together are closed by one look, at most 100 ms late", () => {
    vi.useFakeTimers({ now: 0 });
    const { namespace, add } = namespaceOf();
    const sessionEnds = watching(namespace);
    const closes = Array.from({ length: 50 }, (_, i) => add(`s${i}`, 1_000 + i));
    for (let i = 0; i < 50; i++) sessionEnds.watch(1_000 + i);
    const looks = vi.spyOn(namespace.sockets, "values");
    vi.advanceTimersByTime(1_000);
    expect(closes[0]).toHaveBeenCalledOnce();
    expect(closes[1]).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    for (const close of closes) expect(close).toHaveBeenCalledOnce();
    expect(looks).toHaveBeenCalledTimes(2);
  });

  it("closes nobody once stopped", () => {
    vi.useFakeTimers({ now: 0 });
    const { namespace, add } = namespaceOf();
    const sessionEnds = watching(namespace);
    const close = add("a", 5_000);
    sessionEnds.watch(5_000);
    sessionEnds.stop();
    vi.advanceTimersByTime(10_000);
    expect(close).not.toHaveBeenCalled();
  });
});
