// @vitest-environment happy-dom
import { act } from "react";
import { createRoot } from "react-dom/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { IDLE_AFTER_MS, useMyPresence } from "./use-my-presence";

function Me({ update }: { update: (patch: { typing?: boolean; idle?: boolean }) => void }) {
  useMyPresence(update);
  return null;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("useMyPresence", () => {
  it("says idle after minutes with no input on a visible page, active again at the next key, and nothing new while active", async () => {
    vi.useFakeTimers();
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
    const said: { idle?: boolean }[] = [];
    const root = createRoot(document.createElement("div"));
    await act(async () => root.render(<Me update={(patch) => said.push(patch)} />));
    expect(said).toEqual([{ idle: false }]);
    // Moving about keeps it active, and says nothing new.
    await act(async () => vi.advanceTimersByTime(IDLE_AFTER_MS - 1_000));
    for (let i = 0; i < 100; i++) window.dispatchEvent(new Event("pointermove"));
    await act(async () => vi.advanceTimersByTime(IDLE_AFTER_MS - 1_000));
    expect(said).toEqual([{ idle: false }]);
    await act(async () => vi.advanceTimersByTime(1_000));
    expect(said).toEqual([{ idle: false }, { idle: true }]);
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "a" }));
    expect(said).toEqual([{ idle: false }, { idle: true }, { idle: false }]);
    await act(async () => root.unmount());
    // Unmounted: no timer left to say anything.
    await act(async () => vi.advanceTimersByTime(IDLE_AFTER_MS * 2));
    expect(said).toHaveLength(3);
  });
});
