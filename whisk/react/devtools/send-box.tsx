import { useEffect, useState } from "react";
import type { EventMap, RouteMap, WhiskConnection } from "../../client/whisk-connection";
import type { PayloadIssue } from "../../core/errors";
import type { EmitResult } from "../../core/result";
import { styles } from "./styles";
import type { DescribedRoute } from "./use-devtools-data";

/** How long typing pauses before the payload is checked against the route's schema. */
const CHECK_AFTER_MS = 250;

type Check = { state: "idle" } | { state: "not-json"; message: string } | { state: "valid" } | { state: "invalid"; issues: PayloadIssue[] };

function readJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

/**
 * Sends any route with a payload typed as JSON: checked against the route's zod schema by the
 * server as it is typed (`whisk.check`, which runs nothing), then sent for real on "Call route"
 * (not "Send": the page's own Send button keeps its name to itself).
 */
export function SendBox({ connection, routes }: { connection: WhiskConnection<RouteMap, EventMap>; routes: DescribedRoute[] }) {
  const [event, setEvent] = useState(routes[0]?.event ?? "");
  const [text, setText] = useState("{}");
  const [check, setCheck] = useState<Check>({ state: "idle" });
  const [sent, setSent] = useState<EmitResult<unknown> | null>(null);
  const route = routes.find((each) => each.event === event);

  useEffect(() => {
    const json = readJson(text);
    if (!json.ok) {
      setCheck({ state: "not-json", message: json.message });
      return;
    }
    let live = true;
    const timer = setTimeout(async () => {
      const result = await connection.emit("whisk.check", { event, payload: json.value });
      if (!live || result.status !== "ok") return;
      const verdict = result.data as { valid: true } | { valid: false; issues: PayloadIssue[] };
      setCheck(verdict.valid ? { state: "valid" } : { state: "invalid", issues: verdict.issues });
    }, CHECK_AFTER_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [connection, event, text]);

  const send = async () => {
    const json = readJson(text);
    if (!json.ok) return;
    setSent(null);
    setSent(await connection.emit(event, json.value));
  };

  return (
    <form
      aria-label="Call a route"
      onSubmit={(submitted) => {
        submitted.preventDefault();
        void send();
      }}
    >
      <label>
        <span style={styles.muted}>Route </span>
        <select style={styles.input} value={event} onChange={(changed) => setEvent(changed.target.value)}>
          {routes.map((each) => (
            <option key={each.event} value={each.event}>
              {each.event}
            </option>
          ))}
        </select>
      </label>
      {route ? (
        <details>
          <summary style={styles.muted}>Its schema</summary>
          <pre style={styles.code}>{JSON.stringify(route.input, null, 2)}</pre>
        </details>
      ) : null}
      <label>
        <span style={styles.muted}>Payload (JSON)</span>
        <textarea style={{ ...styles.input, minHeight: 60 }} value={text} onChange={(changed) => setText(changed.target.value)} />
      </label>
      <p aria-live="polite" style={check.state === "valid" ? styles.ok : check.state === "idle" ? styles.muted : styles.bad}>
        {check.state === "valid" && "Matches the schema"}
        {check.state === "not-json" && `Not JSON: ${check.message}`}
        {check.state === "invalid" &&
          `Does not match: ${check.issues.map((issue) => `${issue.path.join(".") || "(payload)"} ${issue.message}`).join("; ")}`}
        {check.state === "idle" && "Checking…"}
      </p>
      <button type="submit" style={styles.button} disabled={check.state === "not-json"}>
        Call route
      </button>
      {sent ? <pre style={{ ...styles.code, ...(sent.status === "ok" ? styles.ok : styles.bad) }}>{JSON.stringify(sent)}</pre> : null}
    </form>
  );
}
