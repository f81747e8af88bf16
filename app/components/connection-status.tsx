"use client";
import { useEffect, useState } from "react";
import type { ConnectionState } from "whisk/react";
import { useWhisk } from "@/app/lib/whisk";

/**
 * The connection state in words, inside role="status" so screen readers and tests can read it,
 * and a Retry button beside it (not inside: the status reads the same with or without it)
 * whenever the connection is not up and there is something to retry (`retryNow`: at once, instead
 * of at the end of the back-off; after a sign-out elsewhere, it opens again).
 */
export function ConnectionStatus() {
  const { state, retryNow } = useWhisk();
  const retryAt = state.status === "error" ? state.retryAt : undefined;
  const now = useNowUntil(retryAt);
  const text = (() => {
    switch (state.status) {
      case "connected":
        return `Connected to ${state.nodeId}`;
      case "connecting":
        return "Connecting…";
      case "reconnecting":
        return "Reconnecting…";
      case "disconnected":
        return state.reason === "server" ? "Disconnected by the server" : "Disconnected";
      case "error":
        return `Connection failed: ${state.error.message}${retryAt === undefined ? "" : ` ${retryingIn(retryAt - now)}`}`;
    }
  })();
  const colour = state.status === "connected" ? "bg-green-500" : state.status === "error" ? "bg-red-500" : "bg-amber-500";
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
      <p role="status" className="flex items-center gap-2 text-sm">
        <span aria-hidden="true" className={`inline-block h-2 w-2 rounded-full ${colour}`} />
        {text}
      </p>
      {canRetry(state) && (
        <button type="button" onClick={retryNow} className="text-sm underline">
          Retry
        </button>
      )}
    </div>
  );
}

/**
 * Not connected, and a try failed or the server sent us away: not while the first try is under
 * way (the button would flash on every page load), nor when the page closed the connection.
 */
function canRetry(state: ConnectionState): boolean {
  switch (state.status) {
    case "connected":
      return false;
    case "connecting":
      return state.attempt > 1;
    case "disconnected":
      return state.reason === "server";
    case "reconnecting":
    case "error":
      return true;
  }
}

function retryingIn(ms: number): string {
  const seconds = Math.ceil(ms / 1_000);
  return seconds > 0 ? `Retrying in ${seconds} s.` : "Retrying…";
}

/** Date.now(), read again every second while there is a next try at `retryAt` to count down to. */
function useNowUntil(retryAt: number | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (retryAt === undefined) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [retryAt]);
  return now;
}
