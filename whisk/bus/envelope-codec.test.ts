import { describe, expect, it } from "vitest";
import { toNode, toRoom, toSession, toSocket, toUser } from "../core/address";
import { createEnvelope, type Envelope } from "../core/envelope";
import { decodeEnvelope, encodeEnvelope } from "./envelope-codec";

const envelope = createEnvelope({
  topic: "room.private",
  payload: { text: "hi", nested: { list: [1, null, "x"] } },
  to: [toUser("ann"), toSession("s1"), toSocket("k1"), toRoom("lobby"), toNode("ws-2"), { kind: "everyone" }],
  except: ["k9"],
  from: { nodeId: "ws-1" },
});

/** The envelope's JSON with one field replaced (undefined removes it). */
const withField = (field: string, value: unknown) => JSON.stringify({ ...envelope, [field]: value });

describe("envelope codec", () => {
  it("reads back what it wrote, every address kind and a reply address included", () => {
    expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
    const request: Envelope = { ...envelope, replyTo: { nodeId: "ws-3", requestId: "r1" } };
    expect(decodeEnvelope(encodeEnvelope(request))).toEqual(request);
  });

  it("carries a trace, and leaves behind one that is not a traceparent (too long, not a string) but keeps the message", () => {
    const trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    expect(decodeEnvelope(encodeEnvelope({ ...envelope, trace }))?.trace).toBe(trace);
    for (const bad of ["x".repeat(10_000), 42, { traceparent: trace }]) {
      const decoded = decodeEnvelope(withField("trace", bad));
      expect(decoded).toEqual(envelope);
      expect(decoded).not.toHaveProperty("trace");
    }
  });

  it("keeps the known fields only, so nothing unknown rides along to observers", () => {
    const decoded = decodeEnvelope(JSON.stringify({ ...envelope, extra: "x", from: { nodeId: "ws-1", role: "x" } }));
    expect(decoded).toEqual(envelope);
    expect(decoded).not.toHaveProperty("extra");
    const address = JSON.parse(JSON.stringify({ ...envelope, to: [{ kind: "user", userId: "ann", room: "x" }] }));
    expect(decodeEnvelope(JSON.stringify(address))?.to).toEqual([toUser("ann")]);
  });

  it.each([
    ["not JSON", "{"],
    ["JSON that is not an object", "[1,2]"],
    ["null", "null"],
    ["a string", '"envelope"'],
    ["no id", withField("id", undefined)],
    ["a number for an id", withField("id", 7)],
    ["no topic", withField("topic", undefined)],
    ["a string for sentAt", withField("sentAt", "now")],
    ["no sender", withField("from", undefined)],
    ["a sender without a node", withField("from", {})],
    ["no addresses", withField("to", undefined)],
    ["addresses that are not a list", withField("to", { kind: "everyone" })],
    ["an unknown address kind", withField("to", [{ kind: "planet", planetId: "x" }])],
    ["an address kind from Object's prototype", withField("to", [{ kind: "toString" }])],
    ["an address without its id", withField("to", [{ kind: "user" }])],
    ["an address with a number id", withField("to", [{ kind: "room", room: 1 }])],
    ["an address that is null", withField("to", [null])],
    ["exceptions that are not a list", withField("except", "k1")],
    ["an exception that is not a socket id", withField("except", [1])],
    ["a reply address without its request", withField("replyTo", { nodeId: "ws-3" })],
    ["a reply address that is a string", withField("replyTo", "ws-3")],
  ])("refuses %s", (_case, text) => {
    expect(decodeEnvelope(text)).toBeNull();
  });
});
