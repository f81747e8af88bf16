"use client";
/**
 * The original Whisk hello-world, made modern: say something, everyone connected hears it.
 * Messages are rendered as text (React escapes them), never as HTML. The server sends data, not a
 * sentence: the line is written here, with the name in a <bdi> of its own, so whatever a name says
 * (`Bob" said "hi`, right-to-left marks), it stays a name.
 */
import { type FormEvent, useState } from "react";
import { resetSession } from "@/app/actions";
import { useWhisk, useWhiskEvent, useWhiskRoute } from "@/app/lib/whisk";
import type { WorldSaid } from "@/server/observers/world";
import { ConnectionStatus } from "./connection-status";

const MAX_LINES = 200;

export function HelloWorld() {
  const { status, user, reconnect } = useWhisk();
  const saying = useWhiskRoute("world.say");
  const [lines, setLines] = useState<WorldSaid[]>([]);
  const [draft, setDraft] = useState("");

  useWhiskEvent("world.said", (said) => {
    setLines((current) => [...current.slice(-(MAX_LINES - 1)), said]);
  });

  async function say(event: FormEvent) {
    event.preventDefault();
    const message = draft.trim();
    if (!message) return;
    const result = await saying.send({ message });
    if (result.status === "ok") setDraft("");
  }
  const problem = saying.error && (saying.error.code === "TIMEOUT" ? "No answer from the server; try again." : saying.error.message);

  async function reset() {
    await resetSession();
    setLines([]);
    reconnect();
  }

  return (
    <section className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <ConnectionStatus />
        {user && <p className="text-sm">You are User {user.name}.</p>}
      </div>
      <form onSubmit={say} className="flex gap-2">
        <input
          aria-label="Message"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          placeholder="Say something"
          maxLength={500}
          className="flex-1 rounded border border-zinc-300 px-3 py-2 dark:border-zinc-700 dark:bg-zinc-900"
        />
        <button type="submit" disabled={status !== "connected"} className="rounded bg-blue-600 px-4 py-2 text-white disabled:opacity-50">
          Send
        </button>
      </form>
      {problem && (
        <p role="alert" className="text-sm text-red-600">
          {problem}
        </p>
      )}
      <div
        role="log"
        aria-label="Messages"
        className="flex min-h-40 flex-col gap-1 rounded border border-zinc-200 p-3 dark:border-zinc-800"
      >
        {lines.map((line) => (
          <p key={line.id}>
            User <bdi>{line.user.name}</bdi> said "{line.message}"
          </p>
        ))}
      </div>
      <button type="button" onClick={reset} className="self-start text-sm underline">
        Reset (become a new user)
      </button>
    </section>
  );
}
