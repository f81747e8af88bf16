import { createContext, lazy, type ReactNode, Suspense, useContext, useEffect, useRef, useState } from "react";
import { withTokenRouteFallback } from "../client/token-route-fallback";
import type { EventMap, RouteMap } from "../client/whisk-connection";
import { WhiskConnection } from "../client/whisk-connection";
import type { TokenGrant } from "../core/protocol";

export interface WhiskProviderProps {
  /** Returns a fresh ws_token: pass the server action that calls `issueWsToken`. */
  getToken: () => Promise<TokenGrant>;
  /**
   * A grant the page's server component minted (`await issueWsToken()`): the first connect uses
   * it, so a page load needs no token request. Read once; `getToken` stays the fallback.
   */
  initialToken?: TokenGrant;
  /** While false, nothing connects; flipping it connects or closes without remounting. */
  enabled?: boolean;
  /** The gateway's origin, if not the page's own. */
  url?: string;
  /**
   * A same-origin route (e.g. "/api/ws-token") that answers a POST with the grant `getToken` would
   * give, for the same users: called with the page's cookie when `getToken` throws, such as a
   * server action unknown after a deploy. See `withTokenRouteFallback`. Read once, like `url`.
   */
  tokenRoute?: string;
  /** The devtools button and panel (Alt+Shift+W) in development; `false` hides them. Never in production. */
  devtools?: boolean;
  children: ReactNode;
}

/**
 * The devtools panel, in development only. Next.js writes NODE_ENV into the bundle, so in a
 * production build the condition is false before bundling: no import, no chunk, no trace of it.
 */
const WhiskDevtools = process.env.NODE_ENV === "development" ? lazy(() => import("./devtools/whisk-devtools")) : null;

const ConnectionContext = createContext<WhiskConnection<RouteMap, EventMap> | null>(null);

/**
 * Holds one shared connection for everything below it. Nothing connects during server rendering
 * (effects do not run there), and React Strict Mode's double mount opens one socket, not two.
 * The connection's `online` and `visibilitychange` listeners come and go with it: installed by
 * `open()` in the effect, removed by `close()` in its cleanup.
 */
export function WhiskProvider({ getToken, initialToken, enabled = true, url, tokenRoute, devtools = true, children }: WhiskProviderProps) {
  const getTokenRef = useRef(getToken);
  useEffect(() => {
    getTokenRef.current = getToken;
  });
  // Made once per provider and free of side effects, so Strict Mode's extra render opens nothing.
  const [connection] = useState(() => {
    const latest = () => getTokenRef.current();
    return new WhiskConnection<RouteMap, EventMap>({
      getToken: tokenRoute ? withTokenRouteFallback(latest, { url: tokenRoute }) : latest,
      initialGrant: initialToken,
      url,
    });
  });

  useEffect(() => {
    if (!enabled) return;
    // Opened a tick later: Strict Mode's mount-unmount-mount cancels the first before it opens.
    const timer = setTimeout(() => connection.open(), 0);
    return () => {
      clearTimeout(timer);
      connection.close();
    };
  }, [connection, enabled]);

  return (
    <ConnectionContext.Provider value={connection}>
      {children}
      {WhiskDevtools && devtools ? (
        <Suspense fallback={null}>
          <WhiskDevtools />
        </Suspense>
      ) : null}
    </ConnectionContext.Provider>
  );
}

export function useConnection(hook: string): WhiskConnection<RouteMap, EventMap> {
  const connection = useContext(ConnectionContext);
  if (!connection) throw new Error(`${hook}() must be called inside <WhiskProvider>; wrap your page in it.`);
  return connection;
}
