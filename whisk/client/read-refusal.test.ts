import { describe, expect, it } from "vitest";
import { readRefusal } from "./read-refusal";

const transportError = (status: number, body?: string) =>
  Object.assign(new Error("xhr poll error"), { description: status, context: body === undefined ? undefined : { responseText: body } });

describe("readRefusal", () => {
  it("reads a middleware refusal's code", () => {
    const error = Object.assign(new Error("x"), { data: { code: "TOKEN_INVALID", message: "used" } });
    expect(readRefusal(error)).toEqual({ code: "TOKEN_INVALID", message: "used" });
  });

  it("tells a rate-limited first request (a pause fixes it) from a foreign origin (nothing does)", () => {
    expect(readRefusal(transportError(403, '{"code":4,"message":"RATE_LIMITED"}'))?.code).toBe("RATE_LIMITED");
    expect(readRefusal(transportError(403, '{"code":4,"message":"ORIGIN_NOT_ALLOWED"}'))?.code).toBe("ORIGIN_NOT_ALLOWED");
    // A WebSocket's refused upgrade shows no body: taken as the origin refusal, as before.
    expect(readRefusal(transportError(403))?.code).toBe("ORIGIN_NOT_ALLOWED");
  });

  it("is null for a transport failure (socket.io retries those itself)", () => {
    expect(readRefusal(transportError(502, "Bad Gateway"))).toBeNull();
    expect(readRefusal(new Error("websocket error"))).toBeNull();
  });
});
