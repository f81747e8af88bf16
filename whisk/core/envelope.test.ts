import { describe, expect, it } from "vitest";
import { createEnvelope } from "./envelope";

const fields = { topic: "room.said", payload: null, to: [], except: [], from: { nodeId: "ws-1" } };

describe("createEnvelope", () => {
  it("gives every envelope of a process its own id: one random process tag, then a counter", () => {
    const ids = Array.from({ length: 10_000 }, () => createEnvelope(fields).id);
    expect(new Set(ids).size).toBe(10_000);
    const tags = new Set(ids.map((id) => id.split(".")[0]));
    expect(tags.size).toBe(1);
    // 16 base64url characters: 96 random bits, so two processes never share a tag.
    expect([...tags][0]).toMatch(/^[\w-]{16}$/);
  });
});
