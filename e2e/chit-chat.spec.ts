/**
 * The terminal client (examples/chit-chat.ts) and a browser user in one room: it signs in over
 * HTTP, enters the room the browser is in, and each hears the other.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";
import { expect, test } from "whisk/testing/playwright";

/** The example as a user runs it, with what it has printed so far. */
function startChitChat(url: string, name: string, room = "room") {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ["--import", "tsx", join(import.meta.dirname, "..", "examples", "chit-chat.ts"), "--url", url, "--name", name, "--room", room],
    { cwd: join(import.meta.dirname, ".."), stdio: "pipe" },
  );
  let printed = "";
  child.stdout.on("data", (chunk) => {
    printed += chunk;
  });
  child.stderr.on("data", (chunk) => {
    printed += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, printed: () => printed, exited };
}

test("the terminal client and a browser user talk in one room", async ({ users, baseURL }) => {
  // The example starts through tsx, a few seconds on a busy machine.
  test.setTimeout(60_000);
  const [ann] = await users(["Ann"]);
  await ann.say("Before the terminal came");
  const terminal = startChitChat(baseURL as string, "Tex");
  try {
    // It enters with the room's history, and the browser sees it come in.
    await expect.poll(terminal.printed, { timeout: 20_000 }).toContain("-- The Room (on e2e-node) --");
    expect(terminal.printed()).toContain("Signed in as Tex.");
    expect(terminal.printed()).toContain("Ann: Before the terminal came");
    await ann.expectMessage("Tex entered the room");

    terminal.child.stdin.write("Hello from a terminal\n");
    await ann.expectMessage("Hello from a terminal");
    const line = ann.page.getByRole("log").getByRole("listitem").filter({ hasText: "Hello from a terminal" });
    await expect(line).toContainText("Tex");

    await ann.say("Hello, terminal");
    await expect.poll(terminal.printed).toContain("Ann: Hello, terminal");
    // A whisper to the terminal, from its inbox (kept, so a reconnect would not lose it), once.
    await ann.say("@Tex: just for you");
    await expect.poll(terminal.printed).toContain("(private) Ann to Tex: just for you");
    expect(terminal.printed().split("just for you")).toHaveLength(2);
    // An empty line leaves.
    terminal.child.stdin.write("\n");
    expect(await terminal.exited).toBe(0);
    expect(terminal.printed()).toContain("Bye.");
  } finally {
    terminal.child.kill();
  }
});

test("a refused name or an unknown room is said in one line, and the server goes on serving everyone", async ({ users, baseURL }) => {
  test.setTimeout(60_000);
  const url = baseURL as string;
  const longName = startChitChat(url, "x".repeat(200));
  const lost = startChitChat(url, "Tex", "nowhere");
  try {
    // Refused at sign-in, with the server's reason: it exits with 1, having connected nothing.
    expect(await longName.exited).toBe(1);
    expect(longName.printed()).toContain("Sign-in refused: A display name has at most 32 characters.");
    // Signed in, but no such room: the route's refusal, and the client still runs until it leaves.
    await expect.poll(lost.printed, { timeout: 20_000 }).toContain('Could not enter nowhere: The payload of "room.join"');
    expect(lost.child.exitCode).toBeNull();
    lost.child.stdin.write("\n");
    expect(await lost.exited).toBe(0);
  } finally {
    longName.child.kill();
    lost.child.kill();
  }
  const [ann] = await users(["Ann"]);
  await ann.say("Still serving");
  await ann.expectMessage("Still serving");
});
