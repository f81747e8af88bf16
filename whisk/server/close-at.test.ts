import { afterEach, describe, expect, it, vi } from "vitest";
import { closeAt } from "./close-at";

describe("closeAt", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("waits past the 24.8 days one Node timer can hold, and closes exactly at the time", () => {
    vi.useFakeTimers({ now: 0 });
    const close = vi.fn();
    const thirtyDays = 30 * 24 * 3600 * 1000;
    closeAt(thirtyDays, close);
    vi.advanceTimersByTime(2 ** 31 - 1);
    expect(close).not.toHaveBeenCalled();
    vi.advanceTimersByTime(thirtyDays - (2 ** 31 - 1) - 1);
    expect(close).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(close).toHaveBeenCalledOnce();
  });

  it("closes on the next turn when the time has passed, and not at all once cancelled", () => {
    vi.useFakeTimers({ now: 1_000 });
    const late = vi.fn();
    closeAt(500, late);
    expect(late).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0);
    expect(late).toHaveBeenCalledOnce();
    const noExpiry = vi.fn();
    closeAt(Number.NaN, noExpiry);
    vi.advanceTimersByTime(0);
    expect(noExpiry).toHaveBeenCalledOnce();
    const cancelled = vi.fn();
    closeAt(5_000, cancelled).cancel();
    vi.advanceTimersByTime(10_000);
    expect(cancelled).not.toHaveBeenCalled();
  });
});
