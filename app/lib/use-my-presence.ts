"use client";
/**
 * What this person says about themselves in a room: typing while there is a draft (cleared after
 * a few seconds without a keystroke, or when it is sent), and idle while the page is hidden.
 */
import { useCallback, useEffect, useRef } from "react";

/** A draft left untouched this long no longer counts as typing. */
export const TYPING_STALE_MS = 5_000;

export function useMyPresence(update: (patch: { typing?: boolean; idle?: boolean }) => void) {
  const stale = useRef<ReturnType<typeof setTimeout> | null>(null);
  const typing = useRef(false);

  const setTyping = useCallback(
    (now: boolean) => {
      if (stale.current) clearTimeout(stale.current);
      stale.current = now ? setTimeout(() => setTyping(false), TYPING_STALE_MS) : null;
      if (now === typing.current) return;
      typing.current = now;
      update({ typing: now });
    },
    [update],
  );

  useEffect(() => {
    const seeVisibility = () => update({ idle: document.visibilityState === "hidden" });
    seeVisibility();
    document.addEventListener("visibilitychange", seeVisibility);
    return () => {
      document.removeEventListener("visibilitychange", seeVisibility);
      if (stale.current) clearTimeout(stale.current);
    };
  }, [update]);

  return setTyping;
}
