import { useEffect, useRef } from "react";
import { useConnection } from "./whisk-provider";

/**
 * Runs `handler` for each server event `event` (an observer's output, server to client). The
 * handler may change on every render; the subscription does not. Get the typed version from
 * `createWhiskReact`.
 */
export function useWhiskEvent(event: string, handler: (payload: unknown) => void): void {
  const connection = useConnection("useWhiskEvent");
  const handlerRef = useRef(handler);
  useEffect(() => {
    handlerRef.current = handler;
  });
  useEffect(() => connection.on(event, (payload) => handlerRef.current(payload)), [connection, event]);
}
