/**
 * GET /api/session: who the cookie's session belongs to, its data (readable from any process), and
 * when it ends (a guest's, until a socket connects with it, in 15 minutes).
 * DELETE /api/session: sign out everywhere: the session ends and its sockets on every gateway close.
 */
import { currentSession, endSession, refuseForeignOrigin } from "../../../whisk/next";

export async function GET() {
  const session = await currentSession();
  if (!session) return Response.json({ error: { code: "UNAUTHORIZED", message: "No session." } }, { status: 401 });
  return Response.json(
    { user: { id: session.userId, name: session.userName }, data: session.data, expiresAt: session.expiresAt },
    { headers: { "cache-control": "no-store" } },
  );
}

export async function DELETE(request: Request) {
  const refused = refuseForeignOrigin(request);
  if (refused) return refused;
  await endSession();
  return new Response(null, { status: 204 });
}
