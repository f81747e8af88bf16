/**
 * POST /api/ws-token: a one-time ws_token as the hello page's `getWsToken` action gives it: for
 * the cookie's session, member or guest, and a visitor without one gets a new guest session. For
 * clients that cannot call server actions (scripts, mobile apps, the integration tests): the
 * original Whisk's renew_ws_session endpoint; and the hello page's fallback when its action is
 * unknown after a deploy.
 */
import { getWsToken } from "@/app/actions";
import { tokenRouteResponse } from "@/app/lib/token-route";

export async function POST(request: Request) {
  return tokenRouteResponse(request, getWsToken);
}
