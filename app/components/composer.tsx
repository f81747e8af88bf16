"use client";
/**
 * The message box. Enter sends. `@name: text` (as in the original chat-room) or a picked person
 * makes the message private to them.
 */
import { type FormEvent, useState } from "react";
import type { WhiskErrorPayload } from "whisk/core";
import type { PresentUser } from "whisk/react";
import { useWhiskRoute } from "@/app/lib/whisk";
import type { RoomId } from "@/server/rooms";

export function Composer({
  room,
  people,
  me,
  whisperTo,
  onCancelWhisper,
  onTyping,
  onSay,
  disabled,
}: {
  room: RoomId;
  people: PresentUser[];
  me: { id: string };
  whisperTo: { id: string; name: string } | null;
  onCancelWhisper: () => void;
  /** Whether there is a draft, as it changes (the room shows "… is typing"). */
  onTyping: (typing: boolean) => void;
  /** Says `text` to the room: it shows in the feed at once, and says there if it fails. */
  onSay: (text: string) => void;
  disabled: boolean;
}) {
  const whispering = useWhiskRoute("room.whisper");
  const [lastSent, setLastSent] = useState<"say" | "whisper">("say");
  const [draft, setDraft] = useState("");
  const [nobodyCalled, setNobodyCalled] = useState<string | null>(null);
  const problem = nobodyCalled ?? (lastSent === "whisper" ? describeFailure(whispering.error) : null);

  async function send(event: FormEvent) {
    event.preventDefault();
    const text = draft.trim();
    if (!text) return;
    const addressed = text.match(/^@([^:]+):\s*(.+)$/s);
    const target = whisperTo ?? (addressed ? findByName(people, addressed[1] ?? "", me.id) : null);
    if (addressed && !target) {
      setNobodyCalled(`Nobody called "${addressed[1]}" is in this room.`);
      return;
    }
    setNobodyCalled(null);
    setLastSent(target ? "whisper" : "say");
    if (!target) {
      // Shown at once as sending; a failure is marked on the message, with a retry.
      onSay(text);
      setDraft("");
      onTyping(false);
      return;
    }
    const result = await whispering.send({ room, toUserId: target.id, text: whisperTo ? text : (addressed?.[2] ?? text) });
    if (result.status === "ok") {
      setDraft("");
      onTyping(false);
    }
  }

  return (
    <form onSubmit={send} className="flex flex-col gap-2">
      {whisperTo && (
        <p className="flex items-center gap-2 text-sm text-purple-700 dark:text-purple-300">
          Whispering to {whisperTo.name} (private)
          <button type="button" onClick={onCancelWhisper} className="underline" aria-label="Stop whispering">
            Cancel
          </button>
        </p>
      )}
      <div className="flex gap-2">
        <input
          aria-label="Message"
          value={draft}
          onChange={(event) => {
            setDraft(event.target.value);
            onTyping(event.target.value.trim() !== "");
          }}
          placeholder={whisperTo ? `Private message to ${whisperTo.name}` : "Say something, or @name: to whisper"}
          maxLength={1000}
          className="min-w-0 flex-1 rounded-lg border border-zinc-300 bg-white px-3 py-2 dark:border-zinc-700 dark:bg-zinc-900"
        />
        <button
          type="submit"
          disabled={disabled}
          className="rounded-lg bg-blue-600 px-4 py-2 font-medium text-white hover:bg-blue-700 focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-50"
        >
          Send
        </button>
      </div>
      {problem && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {problem}
        </p>
      )}
    </form>
  );
}

function findByName(people: PresentUser[], name: string, myId: string) {
  const wanted = name.trim().toLowerCase();
  const person = people.find((each) => each.userId !== myId && each.userName.toLowerCase() === wanted);
  return person ? { id: person.userId, name: person.userName } : null;
}

/** What a failed send says to the person who sent it. */
function describeFailure(error: WhiskErrorPayload | null): string | null {
  if (!error) return null;
  return error.code === "TIMEOUT" ? "No answer from the server; try again." : error.message;
}
