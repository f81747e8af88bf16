import { useEffect, useState } from "react";
import type { ConnectionState } from "../../client/connection-state";
import type { EventMap, RouteMap, WhiskConnection } from "../../client/whisk-connection";
import type { WhiskErrorPayload } from "../../core/errors";

/** A route, event or queue as the server describes it: its name and JSON Schema (whisk/server/devtools-routes.ts). */
export interface DescribedRoute {
  event: string;
  access: "members" | "guests";
  cost: number;
  description?: string;
  input: unknown;
  output?: unknown;
}
export interface Described {
  node: string;
  gateways: { nodeId: string; url: string }[];
  routes: DescribedRoute[];
  events: { event: string; description?: string; payload: unknown }[];
  queues: { queue: string; job: unknown }[];
}
export interface Inspected {
  node: string;
  socket: string;
  user: { id: string; name: string };
  session: string;
  /** Each room's first sockets (MAX_PRESENT_SHOWN on the server) and how many there are. */
  rooms: { room: string; count: number; present: { userId: string; userName: string; nodeId: string; state?: unknown }[] }[];
}

/** How often the open panel asks again for rooms, presence and the round trip. */
export const DEVTOOLS_REFRESH_MS = 2_000;

type Connection = WhiskConnection<RouteMap, EventMap>;

/** The server's answers for the panel: the app (once per connection), the socket's rooms and the round-trip time (every 2 s). */
export function useDevtoolsData(connection: Connection, state: ConnectionState) {
  const [described, setDescribed] = useState<Described | null>(null);
  const [inspected, setInspected] = useState<Inspected | null>(null);
  const [roundTripMs, setRoundTripMs] = useState<number | null>(null);
  const [refusal, setRefusal] = useState<WhiskErrorPayload | null>(null);
  const connectedTo = state.status === "connected" ? state.socketId : null;

  useEffect(() => {
    if (!connectedTo) return;
    let live = true;
    const ask = async <T>(event: string): Promise<T | null> => {
      const result = await connection.emit(event, {});
      if (!live) return null;
      if (result.status === "ok") return result.data as T;
      if (result.status === "error") setRefusal(result.error);
      return null;
    };
    const refresh = async () => {
      const startedAt = performance.now();
      if ((await ask("whisk.ping")) !== null) setRoundTripMs(Math.round(performance.now() - startedAt));
      const next = await ask<Inspected>("whisk.inspect");
      if (next) setInspected(next);
    };
    void ask<Described>("whisk.describe").then((next) => next && setDescribed(next));
    void refresh();
    const timer = setInterval(refresh, DEVTOOLS_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [connection, connectedTo]);

  return { described, inspected, roundTripMs, refusal };
}
