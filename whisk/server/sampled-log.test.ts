import pino from "pino";
import { describe, expect, it } from "vitest";
import { manualClock } from "../testing/manual-clock";
import { SampledLog } from "./sampled-log";

describe("SampledLog", () => {
  it("writes at most perSecond lines a second, and the next line counts what it left out", () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino({ base: undefined }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const clock = manualClock(0);
    const sampled = new SampledLog(log, 3, clock.now);
    for (let i = 0; i < 5_000; i++) sampled.warn({ code: "TOKEN_INVALID" }, "handshake refused");
    expect(lines).toHaveLength(3);
    clock.advance(1_000);
    sampled.warn({ code: "TOKEN_INVALID" }, "handshake refused");
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatchObject({ code: "TOKEN_INVALID", suppressed: 4_997 });
  });
});
