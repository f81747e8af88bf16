import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runSessionStoreContract } from "../testing/contracts/session-store-contract";
import { FileSessionStore } from "./file-session-store";

const folders: string[] = [];
const freshFile = () => {
  const folder = mkdtempSync(join(tmpdir(), "whisk-sessions-"));
  folders.push(folder);
  return join(folder, "dev", "sessions.json");
};
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

runSessionStoreContract("FileSessionStore", async () => {
  const store = new FileSessionStore(freshFile());
  return { store, cleanup: () => store.close() };
});

describe("FileSessionStore: a development server's sessions across restarts", () => {
  it("gives a restarted store the sessions, kinds and data of the last one, and nothing that expired", async () => {
    const file = freshFile();
    let now = 1_000_000;
    const first = new FileSessionStore(file, () => now);
    const kept = await first.create({ userId: "ann", userName: "Ann" }, 60_000, { kind: "member" });
    await first.update(kept.id, { room: "beach" });
    const short = await first.create({ userId: "bob", userName: "Bob" }, 1_000);
    const ended = await first.create({ userId: "cy", userName: "Cy" }, 60_000);
    await first.delete(ended.id);
    await first.close();

    now += 5_000;
    const second = new FileSessionStore(file, () => now);
    expect(await second.get(kept.id)).toMatchObject({ userId: "ann", kind: "member", data: { room: "beach" } });
    expect(await second.get(short.id)).toBeNull();
    expect(await second.get(ended.id)).toBeNull();
    await second.close();
  });

  it("writes within a moment of a change, not only on close (a killed server loses at most that)", async () => {
    const file = freshFile();
    const store = new FileSessionStore(file);
    const created = await store.create({ userId: "dee", userName: "Dee" }, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(readFileSync(file, "utf8")).toContain(created.id);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await store.close();
  });

  it("starts empty from a missing or damaged file instead of failing", async () => {
    const file = freshFile();
    const store = new FileSessionStore(file);
    await store.close();
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, "{ not json");
    const again = new FileSessionStore(file);
    expect(await again.get("anything")).toBeNull();
    await again.close();
  });
});
