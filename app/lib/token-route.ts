/**
 * What the token routes answer (app/api/ws-token, app/api/chat-token): a POST from the page's own
 * origin gets the grant of the server action the route stands for, to the same users. The pages'
 * providers fall back to these routes when the action throws (an action id unknown after a
 * deploy), and scripts and tests call them directly.
 */
import type { TokenGrant } from "whisk/core";
import { refuseForeignOrigin } from "whisk/next";

const NO_STORE = { "cache-control": "no-store, no-transform" };

/** HTTP statuses of the refusals a token action throws as a WhiskError; any other error is a 500. */
const REFUSAL_STATUS: Record<string, number> = { UNAUTHORIZED: 401, FORBIDDEN: 403 };

/** The grant `issue` gives as JSON; 403 to a foreign origin, 401 UNAUTHORIZED when it refuses the session. */
export async function tokenRouteResponse(request: Request, issue: () => Promise<TokenGrant>): Promise<Response> {
  const refused = refuseForeignOrigin(request);
  if (refused) return refused;
  try {
    return Response.json(await issue(), { headers: NO_STORE });
  } catch (thrown) {
    const { code, message } = (thrown ?? {}) as { code?: unknown; message?: unknown };
    const status = typeof code === "string" ? REFUSAL_STATUS[code] : undefined;
    if (status === undefined) throw thrown;
    return Response.json({ error: { code, message: typeof message === "string" ? message : "" } }, { status, headers: NO_STORE });
  }
}
