import { describe, expect, it, vi } from "vitest";
import { cutConnection } from "./cut-connection";

describe("cutConnection", () => {
  it("drops engine.io's buffer and ends a WebSocket at once instead of closing it behind its unsent bytes", () => {
    const order: string[] = [];
    const terminate = vi.fn(() => order.push("terminate"));
    const close = vi.fn(() => order.push("close"));
    cutConnection({ close, transport: { name: "websocket", socket: { terminate } } });
    expect(close).toHaveBeenCalledWith(true);
    expect(order).toEqual(["close", "terminate"]);
  });

  it("closes a polling connection with its buffer dropped", () => {
    const close = vi.fn();
    cutConnection({ close, transport: { name: "polling" } });
    expect(close).toHaveBeenCalledWith(true);
  });
});
