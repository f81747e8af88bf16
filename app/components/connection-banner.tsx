"use client";
import { useWhisk } from "@/app/lib/whisk";
import { ConnectionStatus } from "./connection-status";

/** The node indicator, and a banner while the connection is not up. */
export function ConnectionBanner() {
  const { status } = useWhisk();
  const trouble = status !== "connected";
  return (
    <div
      className={
        trouble
          ? "rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 dark:border-amber-700 dark:bg-amber-950"
          : "px-1 text-zinc-600 dark:text-zinc-400"
      }
    >
      <ConnectionStatus />
    </div>
  );
}
