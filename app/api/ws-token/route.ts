/**
 * POST /api/ws-token: a one-time ws_token for clients that cannot call server actions (scripts,
 * mobile apps, the integration tests): the original Whisk's renew_ws_session endpoint.
 */
import { isTrustedRequestOrigin } from "../../../whisk/next";
import { getWsToken } from "../../actions";

export async function POST(request: Request) {
  if (!isTrustedRequestOrigin(request)) {
    return Response.json({ error: { code: "ORIGIN_NOT_ALLOWED", message: "Foreign origin." } }, { status: 403 });
  }
  return Response.json(await getWsToken(), { headers: { "cache-control": "no-store" } });
}
