import { describe, expect, it } from "vitest";
import { connectedPattern, DEFAULT_USER_LABELS, nodeFromStatus, userLabels } from "./user-labels";

describe("userLabels", () => {
  it("is the demo's words when none are given", () => {
    expect(userLabels()).toEqual({
      nameBox: "Display name",
      join: "Join",
      messageBox: "Message",
      send: "Send",
      connected: "Connected to ",
    });
    expect(userLabels({})).toEqual(DEFAULT_USER_LABELS);
  });

  it("takes the given ones over the defaults, one by one", () => {
    expect(userLabels({ nameBox: "Your name", send: "Post" })).toEqual({ ...DEFAULT_USER_LABELS, nameBox: "Your name", send: "Post" });
  });

  it("keeps a default for a field given as undefined", () => {
    expect(userLabels({ join: undefined, messageBox: "Say something" })).toEqual({ ...DEFAULT_USER_LABELS, messageBox: "Say something" });
  });

  it("never changes the defaults", () => {
    userLabels({ send: "Post" }).join = "Enter";
    expect(DEFAULT_USER_LABELS).toEqual(userLabels());
  });
});

describe("reading the connection status", () => {
  it("matches a status that starts as connected, and nothing else", () => {
    const pattern = connectedPattern(userLabels());
    expect(pattern.test("Connected to ws-1")).toBe(true);
    expect(pattern.test("Reconnecting…")).toBe(false);
    expect(pattern.test("Not Connected to ws-1")).toBe(false);
  });

  it("reads the label as text, not as a pattern", () => {
    const pattern = connectedPattern(userLabels({ connected: "Online (via " }));
    expect(pattern.test("Online (via ws-3)")).toBe(true);
    expect(pattern.test("Online via ws-3")).toBe(false);
  });

  it("gives the gateway's name after the label, or the status as it reads", () => {
    expect(nodeFromStatus("Connected to ws-2", userLabels())).toBe("ws-2");
    expect(nodeFromStatus("Live on ws-3", userLabels({ connected: "Live on " }))).toBe("ws-3");
    expect(nodeFromStatus("Disconnected by the server", userLabels())).toBe("Disconnected by the server");
  });
});
