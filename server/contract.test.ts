/**
 * The contract in docs/ is the code's: made from server/app.ts by `npm run contract`. A route,
 * event or queue added or changed without running it fails here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { contractFiles } from "./contract-files";

const root = join(import.meta.dirname, "..");

describe("docs/CONTRACT.md and docs/asyncapi.json", () => {
  it("are what npm run contract writes from the app's definitions now (run it after changing a route, event or queue)", async () => {
    for (const [path, text] of Object.entries(await contractFiles())) {
      expect(readFileSync(join(root, path), "utf8"), `${path} is out of date: run npm run contract`).toBe(text);
    }
  });

  it("lists every route, event and queue of the app, with the schemas of what each carries", async () => {
    const files = await contractFiles();
    const markdown = files["docs/CONTRACT.md"] ?? "";
    for (const name of [
      "room.join",
      "room.send",
      "room.presence",
      "room.whisper",
      "inbox.join",
      "world.say",
      "room.message",
      "inbox.message",
      "room.notice",
      "chat.say",
    ])
      expect(markdown).toContain(`### \`${name}\``);
    const asyncApi = JSON.parse(files["docs/asyncapi.json"] ?? "{}");
    expect(asyncApi.asyncapi).toBe("3.0.0");
    expect(asyncApi.operations["room.send"]).toMatchObject({ action: "receive", reply: { channel: { $ref: "#/channels/room.send.ack" } } });
    expect(asyncApi.operations["room.message"]).toMatchObject({ action: "send" });
    // The chat line's text limit reaches the contract from its zod schema.
    expect(asyncApi.channels["room.send"].messages["room.send"].payload.properties.text).toMatchObject({ type: "string", maxLength: 1000 });
  });
});
