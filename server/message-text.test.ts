import { describe, expect, it } from "vitest";
import { messageText } from "./message-text";

describe("messageText", () => {
  const schema = messageText(1_000);

  it("keeps text in any script, trimmed", () => {
    expect(schema.parse("  Hello, world  ")).toBe("Hello, world");
    expect(schema.parse("こんにちは € ✓ مرحبا")).toBe("こんにちは € ✓ مرحبا");
  });

  it("refuses what weighs six bytes a character once JSON-escaped: control characters and lone surrogates", () => {
    expect(schema.safeParse("\u0001".repeat(1_000)).success).toBe(false);
    expect(schema.safeParse("a\u0000b").success).toBe(false);
    expect(schema.safeParse("a\nb").success).toBe(false);
    expect(schema.safeParse("\uD800".repeat(10)).success).toBe(false);
    expect(schema.safeParse("x".repeat(1_001)).success).toBe(false);
  });

  it("bounds a message at three UTF-8 bytes a character once JSON-encoded", () => {
    const worst = schema.parse("€".repeat(1_000));
    expect(Buffer.byteLength(JSON.stringify(worst))).toBeLessThanOrEqual(3 * 1_000 + 2);
  });
});
