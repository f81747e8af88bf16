/**
 * The contract in docs/ is the code's: made from server/app.ts by `npm run contract`. A route,
 * event or queue added or changed without running it fails here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { WhiskAppDefinition } from "whisk/server";
import { app } from "./app";
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
    // The wide type: an app without workers (the minimal template's) lists an empty tuple.
    const definition: WhiskAppDefinition = app;
    const names = [
      ...definition.routes.flatMap((group) => Object.keys(group.routes).map((key) => `${group.name}.${key}`)),
      ...definition.observers.flatMap((group) => Object.keys(group.observers).map((key) => `${group.name}.${key}`)),
      ...definition.workers.flatMap((group) => Object.keys(group.workers).map((key) => `${group.name}.${key}`)),
    ];
    expect(names.length).toBeGreaterThan(2);
    for (const name of names) expect(markdown).toContain(`### \`${name}\``);
    const asyncApi = JSON.parse(files["docs/asyncapi.json"] ?? "{}");
    expect(asyncApi.asyncapi).toBe("3.0.0");
    expect(asyncApi.operations["world.say"]).toMatchObject({ action: "receive", reply: { channel: { $ref: "#/channels/world.say.ack" } } });
    expect(asyncApi.operations["world.said"]).toMatchObject({ action: "send" });
    // The hello-world's text limit reaches the contract from its zod schema.
    expect(asyncApi.channels["world.say"].messages["world.say"].payload.properties.message).toMatchObject({
      type: "string",
      maxLength: 500,
    });
  });
});
