import { describe, expect, it } from "vitest";
import { z } from "zod";
import { decodeEnvelope, encodeEnvelope } from "./envelope-codec";
import { checkedAgainst, checkPayload, topic } from "./topic";

describe("checkPayload and checkedAgainst", () => {
  let parses = 0;
  const schema = z.object({ text: z.string() }).refine(() => {
    parses += 1;
    return true;
  });
  const said = topic("room.said", schema);

  it("knows the object it returned, for the schema that made it, and nothing else", () => {
    const checked = checkPayload(said, { text: "hi" });
    expect(checkedAgainst(checked, schema)).toBe(true);
    // Another schema, even for the same name, parses for itself.
    expect(checkedAgainst(checked, z.object({ text: z.string() }))).toBe(false);
    // What came back from Redis (or anywhere else) is a new object.
    const fromRedis = decodeEnvelope(
      encodeEnvelope({ id: "x.1", topic: "room.said", payload: checked, to: [], except: [], from: { nodeId: "ws-1" }, sentAt: 0 }),
    )?.payload;
    expect(fromRedis).toEqual(checked);
    expect(checkedAgainst(fromRedis, schema)).toBe(false);
    // The input it was given is not the output.
    const input = { text: "hi" };
    checkPayload(said, input);
    expect(checkedAgainst(input, schema)).toBe(false);
  });

  it("parses once: the check is the parse, not a second one", () => {
    parses = 0;
    checkPayload(said, { text: "once" });
    expect(parses).toBe(1);
  });

  it("knows no primitive payload", () => {
    const count = topic("room.count", z.number());
    expect(checkedAgainst(checkPayload(count, 3), count.schema)).toBe(false);
  });
});
