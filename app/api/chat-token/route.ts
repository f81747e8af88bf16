/**
 * POST /api/chat-token: a one-time ws_token as the chat's `getChatToken` action gives it: for a
 * signed-in member only. A guest's cookie, or none, gets 401 UNAUTHORIZED and no session is
 * made. The chat's fallback when its action is unknown after a deploy.
 */
import { getChatToken } from "@/app/actions";
import { tokenRouteResponse } from "@/app/lib/token-route";

export async function POST(request: Request) {
  return tokenRouteResponse(request, getChatToken);
}
