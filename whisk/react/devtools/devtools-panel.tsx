import { useSyncExternalStore } from "react";
import type { EventMap, RouteMap, WhiskConnection } from "../../client/whisk-connection";
import { SendBox } from "./send-box";
import { styles } from "./styles";
import { TrafficList } from "./traffic-list";
import { useDevtoolsData } from "./use-devtools-data";

function Schema({ name, schema, note }: { name: string; schema: unknown; note?: string }) {
  return (
    <details>
      <summary>
        {name}
        {note ? <span style={styles.muted}> {note}</span> : null}
      </summary>
      <pre style={styles.code}>{JSON.stringify(schema, null, 2)}</pre>
    </details>
  );
}

/**
 * What the connection is doing, from both ends: its state, transport, node and round trip; the
 * app's routes and events with their schemas; the rooms this socket is in and who is present on
 * every node; the last messages in and out; and a box to send any route.
 */
export function DevtoolsPanel({ connection, onClose }: { connection: WhiskConnection<RouteMap, EventMap>; onClose: () => void }) {
  const state = useSyncExternalStore(connection.subscribe, connection.getState, connection.getState);
  const { described, inspected, roundTripMs, refusal } = useDevtoolsData(connection, state);
  const gateways = described?.gateways.map((gateway) => gateway.nodeId) ?? [];
  return (
    <section aria-label="Whisk devtools" data-whisk-devtools="" style={styles.panel}>
      <div style={styles.header}>
        <strong>Whisk devtools</strong>
        <button type="button" style={styles.button} onClick={onClose} aria-label="Close Whisk devtools">
          ×
        </button>
      </div>

      <h2 style={styles.heading}>Connection</h2>
      <dl aria-label="Connection" style={{ margin: 0 }}>
        <div style={styles.row}>
          <dt style={styles.muted}>state</dt>
          <dd style={{ margin: 0 }}>{state.status}</dd>
          <dt style={styles.muted}>transport</dt>
          <dd style={{ margin: 0 }}>{connection.transport() ?? "none"}</dd>
        </div>
        <div style={styles.row}>
          <dt style={styles.muted}>node</dt>
          <dd style={{ margin: 0 }}>{state.status === "connected" ? state.nodeId : "none"}</dd>
          <dt style={styles.muted}>round trip</dt>
          <dd style={{ margin: 0 }}>{roundTripMs === null ? "…" : `${roundTripMs} ms`}</dd>
        </div>
        <div style={styles.row}>
          <dt style={styles.muted}>gateways</dt>
          <dd style={{ margin: 0 }}>{gateways.length > 0 ? gateways.join(", ") : "this one only"}</dd>
        </div>
      </dl>
      {refusal ? <p style={styles.bad}>{`${refusal.code}: ${refusal.message}`}</p> : null}

      <h2 style={styles.heading}>Rooms</h2>
      {inspected && inspected.rooms.length > 0 ? (
        <ul style={styles.list} aria-label="Rooms">
          {inspected.rooms.map(({ room, present, count }) => (
            <li key={room}>
              <strong>{room}</strong>{" "}
              <span>
                {present
                  .map((entry) => `${entry.userName} on ${entry.nodeId}${entry.state ? ` ${JSON.stringify(entry.state)}` : ""}`)
                  .join(", ")}
              </span>
              {count > present.length ? <span style={styles.muted}>{` and ${count - present.length} more`}</span> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p style={styles.muted}>In no room.</p>
      )}

      <h2 style={styles.heading}>Routes</h2>
      <section aria-label="Routes">
        {described?.routes.map((route) => (
          <Schema key={route.event} name={route.event} schema={route.input} note={route.access === "guests" ? "guests too" : undefined} />
        ))}
      </section>

      <h2 style={styles.heading}>Events</h2>
      <section aria-label="Events">
        {described?.events.map((event) => (
          <Schema key={event.event} name={event.event} schema={event.payload} />
        ))}
      </section>

      <h2 style={styles.heading}>Call a route</h2>
      {described ? <SendBox connection={connection} routes={described.routes} /> : <p style={styles.muted}>Waiting for the server…</p>}

      <h2 style={styles.heading}>Messages</h2>
      <TrafficList traffic={connection.traffic} />
    </section>
  );
}
