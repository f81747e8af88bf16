import { useSyncExternalStore } from "react";
import type { TrafficEntry, TrafficLog } from "../../client/traffic-log";
import { styles } from "./styles";

/** The panel's own questions (whisk.ping every 2 s...) would bury the app's messages. */
const isDevtoolsOwn = (entry: TrafficEntry) => entry.event.startsWith("whisk.") && entry.direction === "out";

function outcome(entry: TrafficEntry) {
  const result = entry.result;
  if (!result) return null;
  if (result.status === "pending") return <span style={styles.muted}>pending</span>;
  if (result.status === "timeout") return <span style={styles.bad}>timeout</span>;
  if (result.status === "ok") return <span style={styles.ok}>ok</span>;
  const issues = result.error.issues ?? [];
  return (
    <span style={styles.bad}>
      {result.error.code}
      {issues.length > 0 ? `: ${issues.map((issue) => `${issue.path.join(".") || "(payload)"} ${issue.message}`).join("; ")}` : ""}
    </span>
  );
}

/** The last messages in and out, newest first, each with its payload and, for a route, its ack. */
export function TrafficList({ traffic }: { traffic: TrafficLog }) {
  const entries = useSyncExternalStore(traffic.subscribe, traffic.snapshot, traffic.snapshot);
  const shown = entries.filter((entry) => !isDevtoolsOwn(entry)).reverse();
  if (shown.length === 0) return <p style={styles.muted}>Nothing yet since the panel opened.</p>;
  return (
    <ol style={styles.list} aria-label="Messages">
      {shown.map((entry) => (
        <li key={entry.id} data-direction={entry.direction} style={{ borderTop: "1px solid #1e293b", padding: "3px 0" }}>
          <div style={styles.row}>
            <span style={styles.muted}>{new Date(entry.at).toLocaleTimeString()}</span>
            <span>{entry.direction === "out" ? "→" : "←"}</span>
            <strong>{entry.event}</strong>
            {outcome(entry)}
          </div>
          <pre style={styles.code}>{entry.preview}</pre>
        </li>
      ))}
    </ol>
  );
}
