import { describe, expect, it } from "vitest";
import {
  type Address,
  appRoom,
  everyone,
  localRoomsFor,
  sessionRoom,
  toNode,
  toRoom,
  toSession,
  toSocket,
  toUser,
  userRoom,
} from "./address";

const THIS_NODE = "ws-1";

describe("address constructors", () => {
  it("build one variant each, carrying only their own field", () => {
    expect(everyone()).toEqual({ kind: "everyone" });
    expect(toNode("ws-2")).toEqual({ kind: "node", nodeId: "ws-2" });
    expect(toSocket("s1")).toEqual({ kind: "socket", socketId: "s1" });
    expect(toUser("u1")).toEqual({ kind: "user", userId: "u1" });
    expect(toSession("x1")).toEqual({ kind: "session", sessionId: "x1" });
    expect(toRoom("beach")).toEqual({ kind: "room", room: "beach" });
  });

  it("name rooms with a prefix per kind, so a user, a session and an app room of the same name never collide", () => {
    expect(userRoom("a")).toBe("user:a");
    expect(sessionRoom("a")).toBe("session:a");
    expect(appRoom("a")).toBe("room:a");
  });
});

describe("localRoomsFor", () => {
  it("returns no room for an empty list, which means nobody (never everyone)", () => {
    expect(localRoomsFor([], THIS_NODE)).toEqual([]);
  });

  it("returns 'all' for the everyone address", () => {
    expect(localRoomsFor([everyone()], THIS_NODE)).toBe("all");
  });

  it("returns 'all' for a node address naming this node", () => {
    expect(localRoomsFor([toNode(THIS_NODE)], THIS_NODE)).toBe("all");
  });

  it("returns no rooms (not 'all') for a node address naming another node", () => {
    expect(localRoomsFor([toNode("ws-2")], THIS_NODE)).toEqual([]);
  });

  it("does not treat an empty node id as everyone", () => {
    expect(localRoomsFor([toNode("")], THIS_NODE)).toEqual([]);
  });

  it("maps a socket address to the socket's own id, which socket.io uses as its room", () => {
    expect(localRoomsFor([toSocket("abc123")], THIS_NODE)).toEqual(["abc123"]);
  });

  it("maps a user address to the user's room", () => {
    expect(localRoomsFor([toUser("u1")], THIS_NODE)).toEqual(["user:u1"]);
  });

  it("maps a session address to the session's room", () => {
    expect(localRoomsFor([toSession("x1")], THIS_NODE)).toEqual(["session:x1"]);
  });

  it("maps an app room address to the prefixed room", () => {
    expect(localRoomsFor([toRoom("beach")], THIS_NODE)).toEqual(["room:beach"]);
  });

  it("maps a list of addresses to the rooms of all of them, in order", () => {
    const addresses: Address[] = [toUser("u1"), toRoom("beach"), toSocket("s9"), toSession("x1")];
    expect(localRoomsFor(addresses, THIS_NODE)).toEqual(["user:u1", "room:beach", "s9", "session:x1"]);
  });

  it("skips a node address for another node in a mixed list and keeps the other rooms", () => {
    expect(localRoomsFor([toNode("ws-2"), toUser("u1"), toNode("ws-3")], THIS_NODE)).toEqual(["user:u1"]);
  });

  it("returns 'all' for a mixed list that includes this node, wherever it is in the list", () => {
    expect(localRoomsFor([toUser("u1"), toNode(THIS_NODE)], THIS_NODE)).toBe("all");
    expect(localRoomsFor([toNode(THIS_NODE), toUser("u1")], THIS_NODE)).toBe("all");
  });

  it("returns 'all' for a mixed list that includes everyone, wherever it is in the list", () => {
    expect(localRoomsFor([toRoom("beach"), everyone()], THIS_NODE)).toBe("all");
    expect(localRoomsFor([everyone(), toRoom("beach")], THIS_NODE)).toBe("all");
  });

  it("keeps user, session and room addresses with the same id apart", () => {
    expect(localRoomsFor([toUser("same"), toSession("same"), toRoom("same")], THIS_NODE)).toEqual([
      "user:same",
      "session:same",
      "room:same",
    ]);
  });

  it("does not change the list it is given", () => {
    const addresses: Address[] = [toUser("u1"), toNode("ws-2")];
    const before = structuredClone(addresses);
    localRoomsFor(addresses, THIS_NODE);
    expect(addresses).toEqual(before);
  });
});
