/**
 * POST /api/ws-token: a one-time ws_token for clients that cannot call server actions (scripts,
 * mobile apps, the integration tests): the original Whisk's renew_ws_session endpoint.
 */
import { refuseForeignOrigin } from "whisk/next";
import { getWsToken } from "@/app/actions";

export async function POST(request: Request) {
  const refused = refuseForeignOrigin(request);
  if (refused) return refused;
  return Response.json(await getWsToken(), { headers: { "cache-control": "no-store, no-transform" } });
}
