import type { SessionStore } from "../session/session-store";
import type { IssuedToken } from "../session/token-store";

/**
 * What Next.js code (server actions, route handlers) needs from the Whisk instance that
 * `server/main.ts` created. Next bundles app code separately from the custom server, so the two
 * do not share module instances; they share this one object on `globalThis` instead. It is the
 * only global Whisk uses, and it holds an instance made by `createWhisk` (`whisk.runtimeForNext`),
 * not a singleton.
 */
export interface WhiskRuntime {
  sessions: SessionStore;
  issueToken(session: { sessionId: string; userId: string }): Promise<IssuedToken>;
  endSession(sessionId: string): Promise<void>;
  config: {
    /** iron-session password, 32+ characters. */
    sessionSecret: string;
    cookieName: string;
    sessionTtlMs: number;
    /**
     * How long a session made implicitly for a token request (no sign-in) lives until a socket
     * connects with it; then it gets `sessionTtlMs`.
     */
    guestSessionTtlMs: number;
    secureCookies: boolean;
    allowedOrigins: readonly string[];
    /** The gateway a page should connect to next; undefined means the page's own origin. */
    pickGatewayUrl?: () => Promise<string | undefined>;
  };
}

const RUNTIME_KEY = Symbol.for("whisk.runtime");
type WithRuntime = typeof globalThis & { [RUNTIME_KEY]?: WhiskRuntime };

export function provideWhiskRuntime(runtime: WhiskRuntime): void {
  (globalThis as WithRuntime)[RUNTIME_KEY] = runtime;
}

export function whiskRuntime(): WhiskRuntime {
  const runtime = (globalThis as WithRuntime)[RUNTIME_KEY];
  if (!runtime) {
    throw new Error(
      "The Whisk runtime is not running in this process. Start the app with `npm run dev` or `npm start` (server/main.ts), not `next dev` or `next start`.",
    );
  }
  return runtime;
}
