import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { MemorySessionStore } from "./memory-session-store";
import { defineSessionData } from "./session-data";

const sessionData = defineSessionData(
  z.object({
    room: z.enum(["lobby", "garden"]),
    lastSeenAt: z.number(),
    theme: z.enum(["light", "dark"]).default("light"),
    nickname: z.string().optional(),
  }),
);

describe("defineSessionData", () => {
  it("reads the declared fields, typed, and nothing else", () => {
    const values = sessionData.read({ room: "garden", lastSeenAt: 5, theme: "dark", nickname: "Ada", other: "kept out" });
    expect(values).toEqual({ room: "garden", lastSeenAt: 5, theme: "dark", nickname: "Ada" });
    expectTypeOf(values.room).toEqualTypeOf<"lobby" | "garden" | undefined>();
    expectTypeOf(values.lastSeenAt).toEqualTypeOf<number | undefined>();
  });

  it("leaves out a stored value that does not fit its field, and never throws", () => {
    expect(sessionData.read({ room: "attic", lastSeenAt: "yesterday", nickname: 42 })).toEqual({ theme: "light" });
    expect(sessionData.read({ room: { nested: true }, lastSeenAt: null })).toEqual({ theme: "light" });
  });

  it("gives a field its default when nothing fitting is stored, and leaves an absent optional field out", () => {
    const values = sessionData.read({ theme: "sepia" });
    expect(values).toEqual({ theme: "light" });
    expect(Object.keys(values)).not.toContain("nickname");
  });

  it("passes an update that fits, of the given fields only (a defaulted field left out stays as stored)", () => {
    expect(sessionData.patch({ room: "lobby" })).toEqual({ room: "lobby" });
    expect(sessionData.patch({ lastSeenAt: 7, nickname: "Bo" })).toEqual({ lastSeenAt: 7, nickname: "Bo" });
    expect(sessionData.patch({})).toEqual({});
  });

  it("refuses an update that does not fit, naming the field", () => {
    // @ts-expect-error: "attic" is not a room
    expect(() => sessionData.patch({ room: "attic" })).toThrow(/does not fit its schema: room:/);
    // @ts-expect-error: lastSeenAt is a number
    expect(() => sessionData.patch({ lastSeenAt: "now" })).toThrow(/lastSeenAt:/);
  });

  it("refuses a field the schema does not declare, which a zod object would drop silently", () => {
    // @ts-expect-error: "rooms" is not declared
    expect(() => sessionData.patch({ rooms: "lobby" })).toThrow('Session data has no field "rooms"');
  });

  it("round-trips through a session store: what patch passes, read gives back", async () => {
    const store = new MemorySessionStore();
    const session = await store.create({ userId: "u1", userName: "Ada", data: { room: "nowhere" } }, 60_000);
    expect(sessionData.read(session.data).room).toBeUndefined();
    const updated = await store.update(session.id, sessionData.patch({ room: "garden", lastSeenAt: 9 }));
    expect(sessionData.read(updated?.data ?? {})).toEqual({ room: "garden", lastSeenAt: 9, theme: "light" });
    await store.close();
  });
});
