"use client";
/**
 * What this person says about themselves in a room: typing while there is a draft (cleared after
 * a few seconds without a keystroke, or when it is sent), and idle while the page is hidden or
 * after a few minutes with no key, click, touch or pointer movement on it.
 */
import { useCallback, useEffect, useRef } from "react";

/** A draft left untouched this long no longer counts as typing. */
export const TYPING_STALE_MS = 5_000;

/** A visible page with no input for this long counts as idle (Slack's "away" waits longer; a chat room, less). */
export const IDLE_AFTER_MS = 3 * 60_000;

/** What counts as someone being there. */
const ACTIVITY_EVENTS = ["keydown", "pointerdown", "pointermove", "wheel", "touchstart", "focus"] as const;

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
    let idle: boolean | null = null;
    let inactive = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    // Sent only when it changes: a mouse moving says nothing new while the person is already active.
    const tell = () => {
      const now = inactive || document.visibilityState === "hidden";
      if (now === idle) return;
      idle = now;
      update({ idle: now });
    };
    const active = () => {
      inactive = false;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        inactive = true;
        tell();
      }, IDLE_AFTER_MS);
      tell();
    };
    active();
    document.addEventListener("visibilitychange", tell);
    for (const event of ACTIVITY_EVENTS) window.addEventListener(event, active, { passive: true });
    return () => {
      document.removeEventListener("visibilitychange", tell);
      for (const event of ACTIVITY_EVENTS) window.removeEventListener(event, active);
      if (timer) clearTimeout(timer);
      if (stale.current) clearTimeout(stale.current);
    };
  }, [update]);

  return setTyping;
}
