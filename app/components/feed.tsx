"use client";
import { useEffect, useRef } from "react";
import type { FeedItem, Sending } from "@/app/lib/use-room-feed";
import type { ChatMessage } from "@/server/chat-rooms";

const time = (at: number) => new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/**
 * How each kind of notice reads after the name. The sentence is written here, from the notice's
 * data, and the name goes in a <bdi> of its own: whatever a name says, it stays a name, and a
 * right-to-left one cannot reorder the words around it.
 */
const NOTICE_WORDS: Record<NonNullable<ChatMessage["notice"]>, string> = {
  entered: "entered the room",
};

/** The room's messages as text (never HTML), newest at the bottom, in a live region. Names are each in a <bdi>. */
export function Feed({
  items,
  me,
  loading,
  onRetry,
  onDiscard,
}: {
  items: FeedItem[];
  me: { id: string };
  loading: boolean;
  /** Sends a failed message again, by its client id. */
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
}) {
  const end = useRef<HTMLLIElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll whenever the list grows
  useEffect(() => {
    end.current?.scrollIntoView({ block: "end" });
  }, [items.length]);
  return (
    <section
      role="log"
      aria-label="Messages"
      aria-busy={loading}
      className="min-h-48 overflow-y-auto rounded-lg border border-zinc-200 bg-zinc-50 p-3 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <ul className="flex flex-col gap-1.5">
        {items.map((item) => (
          <li key={item.id} className="break-words">
            {item.kind === "notice" && (
              <p className="text-sm italic text-zinc-500 dark:text-zinc-400">
                <bdi className="font-semibold">{item.user.name}</bdi> {NOTICE_WORDS[item.notice]}
              </p>
            )}
            {item.kind === "message" && (
              <p className={item.sending && item.sending.state !== "failed" ? "opacity-60" : undefined}>
                <bdi className={item.author.id === me.id ? "font-semibold text-blue-700 dark:text-blue-400" : "font-semibold"}>
                  {item.author.name}
                </bdi>{" "}
                <time className="text-xs text-zinc-500" dateTime={new Date(item.at).toISOString()}>
                  {time(item.at)}
                </time>
                <span className="block">{item.text}</span>
                {item.sending && <SendingState sending={item.sending} onRetry={onRetry} onDiscard={onDiscard} />}
              </p>
            )}
            {item.kind === "refused" && (
              <p role="alert" className="text-sm font-medium text-red-700 dark:text-red-400">
                {item.text}
              </p>
            )}
            {item.kind === "private" && (
              <p className="rounded border-l-4 border-purple-500 bg-purple-50 px-2 py-1 dark:bg-purple-950">
                <bdi className="font-semibold">{item.from.name}</bdi> to <bdi className="font-semibold">{item.to.name}</bdi>{" "}
                <span className="text-xs font-medium uppercase text-purple-700 dark:text-purple-300">(private)</span>{" "}
                <time className="text-xs text-zinc-500" dateTime={new Date(item.at).toISOString()}>
                  {time(item.at)}
                </time>
                <span className="block">{item.text}</span>
              </p>
            )}
          </li>
        ))}
        <li ref={end} aria-hidden="true" />
      </ul>
    </section>
  );
}

/** Under a message sent from here: "Sending…" until the room has it, or why it failed with Retry and Discard. */
function SendingState({
  sending,
  onRetry,
  onDiscard,
}: {
  sending: Sending;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
}) {
  if (sending.state !== "failed") return <span className="block text-xs text-zinc-500">Sending…</span>;
  return (
    <span role="alert" className="block text-xs text-red-700 dark:text-red-400">
      Not sent: {sending.error}{" "}
      <button type="button" onClick={() => onRetry(sending.clientId)} className="underline">
        Retry
      </button>{" "}
      <button type="button" onClick={() => onDiscard(sending.clientId)} className="underline">
        Discard
      </button>
    </span>
  );
}
