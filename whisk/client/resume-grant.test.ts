import { describe, expect, it } from "vitest";
import { MAX_RESUME_GATEWAYS } from "../core/protocol";
import { readResumeGrant } from "./resume-grant";

describe("readResumeGrant", () => {
  it("keeps the token and the other gateways' http and https URLs", () => {
    expect(readResumeGrant({ token: "t", expiresAt: 5, gateways: ["http://127.0.0.1:3001", "https://ws-2.example.com"] })).toEqual({
      grant: { token: "t", expiresAt: 5 },
      gateways: ["http://127.0.0.1:3001", "https://ws-2.example.com"],
    });
    expect(readResumeGrant({ token: "t", expiresAt: 5 })).toEqual({ grant: { token: "t", expiresAt: 5 }, gateways: [] });
  });

  it("is null for a payload that is not a grant", () => {
    for (const payload of [null, "t", { token: 1, expiresAt: 5 }, { token: "t" }, { token: "t", expiresAt: "5" }]) {
      expect(readResumeGrant(payload)).toBeNull();
    }
  });

  it("drops what is not a gateway to move to: other schemes, non-strings, URLs over 2,048 characters, and all past the eighth", () => {
    const gateways = [
      "javascript:alert(1)",
      "file:///etc/passwd",
      "not a url",
      42,
      `https://ws.example.com/${"a".repeat(2_048)}`,
      "wss://ws.example.com",
      ...Array.from({ length: 20 }, (_, i) => `https://ws-${i}.example.com`),
    ];
    const read = readResumeGrant({ token: "t", expiresAt: 5, gateways });
    // The first eight entries are looked at (a list longer than a deployment has is cut, not searched).
    expect(gateways.slice(0, MAX_RESUME_GATEWAYS)).toHaveLength(8);
    expect(read?.gateways).toEqual(["https://ws-0.example.com", "https://ws-1.example.com"]);
  });
});
