"use client";
import { useWhisk } from "@/app/lib/whisk";

/** The connection state in words, inside role="status" so screen readers and tests can read it. */
export function ConnectionStatus() {
  const { state } = useWhisk();
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
        return `Connection failed: ${state.error.message}`;
    }
  })();
  const colour = state.status === "connected" ? "bg-green-500" : state.status === "error" ? "bg-red-500" : "bg-amber-500";
  return (
    <p role="status" className="flex items-center gap-2 text-sm">
      <span aria-hidden="true" className={`inline-block h-2 w-2 rounded-full ${colour}`} />
      {text}
    </p>
  );
}
