import { useEffect, useRef } from "react";
import { useConnection } from "./whisk-provider";

/**
 * Runs `handler` for each server event `event` (an observer's output). The handler may change on
 * every render; the subscription does not. Get the typed version from `createWhiskReact`.
 */
export function useWhiskRoute(event: string, handler: (payload: unknown) => void): void {
  const connection = useConnection("useWhiskRoute");
  const handlerRef = useRef(handler);
  useEffect(() => {
    handlerRef.current = handler;
  });
  useEffect(() => connection.on(event, (payload) => handlerRef.current(payload)), [connection, event]);
}
