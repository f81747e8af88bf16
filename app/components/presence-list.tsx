"use client";
import type { PresentUser } from "whisk/react";

/** Who is in the room, one line per person; pick someone to whisper to them. */
export function PresenceList({
  people,
  me,
  onWhisper,
}: {
  people: (PresentUser & { state?: { idle?: boolean } })[];
  me: { id: string };
  onWhisper: (person: { id: string; name: string }) => void;
}) {
  return (
    <aside aria-labelledby="people-heading" className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <h2 id="people-heading" className="mb-2 text-sm font-semibold">
        Here now ({people.length})
      </h2>
      <ul aria-label="People in this room" className="flex flex-col gap-1">
        {people.map((person) => (
          <li key={person.userId} className="flex items-center justify-between gap-2 text-sm">
            <span>
              {person.userName}
              {person.userId === me.id && " (you)"}
              {person.state?.idle && <span className="ml-1 text-xs text-zinc-500"> (away)</span>}
            </span>
            {person.userId !== me.id && (
              <button
                type="button"
                onClick={() => onWhisper({ id: person.userId, name: person.userName })}
                className="rounded px-1.5 text-xs text-purple-700 underline hover:bg-purple-50 dark:text-purple-300 dark:hover:bg-purple-950"
                aria-label={`Whisper to ${person.userName}`}
              >
                Whisper
              </button>
            )}
          </li>
        ))}
      </ul>
    </aside>
  );
}
