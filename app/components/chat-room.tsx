"use client";
/**
 * A chat room page: who is here, what was said, and a box to say more. Public messages go to
 * the room; `@name: text`, or picking someone in the list, sends a private message.
 */
import Link from "next/link";
import { useMemo, useState } from "react";
import { signOut } from "@/app/actions";
import { useMyPresence } from "@/app/lib/use-my-presence";
import { useRoomFeed } from "@/app/lib/use-room-feed";
import { usePresence, useWhisk } from "@/app/lib/whisk";
import type { RoomId } from "@/server/rooms";
import { Composer } from "./composer";
import { ConnectionBanner } from "./connection-banner";
import { Feed } from "./feed";
import { PresenceList } from "./presence-list";

export interface ChatRoomProps {
  room: RoomId;
  title: string;
  me: { id: string; name: string };
  rooms: { id: RoomId; title: string }[];
}

export function ChatRoom({ room, title, me, rooms }: ChatRoomProps) {
  const { status } = useWhisk();
  const { self, others, update } = usePresence("room", room);
  const people = useMemo(() => byName(self ? [self, ...others] : others), [self, others]);
  const typingNames = others.filter((person) => person.state?.typing).map((person) => person.userName);
  const setTyping = useMyPresence(update);
  const { items, entered, say, retry, discard } = useRoomFeed(room, me);
  const [whisperTo, setWhisperTo] = useState<{ id: string; name: string } | null>(null);

  return (
    <div className="mx-auto flex h-dvh max-w-5xl flex-col gap-3 p-3 sm:p-6">
      <header className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h1 className="text-2xl font-semibold">{title}</h1>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">You are {me.name}.</p>
        </div>
        <form action={signOut}>
          <button
            type="submit"
            className="rounded-lg border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
          >
            Sign out
          </button>
        </form>
      </header>

      <nav aria-label="Rooms" className="flex flex-wrap gap-2">
        {rooms.map((each) =>
          each.id === room ? (
            <span key={each.id} aria-current="page" className="rounded-full bg-blue-600 px-3 py-1 text-sm text-white">
              {each.title}
            </span>
          ) : (
            <Link
              key={each.id}
              href={`/rooms/${each.id}`}
              className="rounded-full border border-zinc-300 px-3 py-1 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
            >
              Enter {each.title}
            </Link>
          ),
        )}
      </nav>

      <ConnectionBanner />

      <div className="grid min-h-0 flex-1 grid-cols-1 gap-3 md:grid-cols-[1fr_14rem]">
        <div className="flex min-h-0 flex-col gap-1">
          <Feed items={items} me={me} loading={!entered} onRetry={retry} onDiscard={discard} />
          <TypingLine names={typingNames} />
        </div>
        <PresenceList people={people} me={me} onWhisper={setWhisperTo} />
      </div>

      <Composer
        room={room}
        people={people}
        me={me}
        whisperTo={whisperTo}
        onCancelWhisper={() => setWhisperTo(null)}
        onTyping={setTyping}
        onSay={(text) => void say({ text })}
        disabled={status !== "connected" || !entered}
      />
    </div>
  );
}

/** "Ann is typing…", "Ann and Bob are typing…", or nothing; read out politely by screen readers. */
function TypingLine({ names }: { names: string[] }) {
  const text =
    names.length === 0
      ? ""
      : names.length === 1
        ? `${names[0]} is typing…`
        : names.length === 2
          ? `${names[0]} and ${names[1]} are typing…`
          : `${names.length} people are typing…`;
  return (
    <section aria-label="Who is typing">
      <p aria-live="polite" className="h-5 text-sm text-zinc-500 italic dark:text-zinc-400">
        {text}
      </p>
    </section>
  );
}

function byName<T extends { userName: string; userId: string }>(people: T[]): T[] {
  return [...people].sort((a, b) => a.userName.localeCompare(b.userName) || a.userId.localeCompare(b.userId));
}
