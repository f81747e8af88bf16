/**
 * POST /api/session `{ "name": "Ada" }`: signs in with a display name, as the sign-in form does,
 * for clients that cannot call server actions (scripts, mobile apps, the integration tests).
 * Same rules as the form (server/display-name.ts); 400 with the reason if the name is refused.
 * GET /api/session: who the cookie's session belongs to, its data (readable from any process), and
 * when it ends (a guest's, until a socket connects with it, in 2 minutes).
 * DELETE /api/session: sign out everywhere: the session ends and its sockets on every gateway close.
 */

import { currentSession, endSession, refuseForeignOrigin, startSession } from "whisk/next";
import { newSignedInUser } from "@/app/lib/sign-in";
import { parseDisplayName } from "@/server/display-name";

/** A JSON body this small holds any display name; a bigger one is not a sign-in. */
const MAX_BODY_BYTES = 1_024;

export async function POST(request: Request) {
  const refused = refuseForeignOrigin(request);
  if (refused) return refused;
  const body = await readAtMost(request, MAX_BODY_BYTES);
  if (body === null) return badRequest("The body is larger than a sign-in needs.");
  let name: unknown;
  try {
    name = (JSON.parse(body) as { name?: unknown } | null)?.name;
  } catch {
    return badRequest('Send JSON: { "name": "your display name" }.');
  }
  const parsed = parseDisplayName(name);
  if (!parsed.ok) return badRequest(parsed.error);
  // As the form's: provisional until a socket connects with it (a sign-in costs nothing here).
  const session = await startSession(await newSignedInUser(parsed.name), { provisional: true });
  return Response.json({ user: { id: session.userId, name: session.userName } }, { headers: { "cache-control": "no-store" } });
}

/** The body as text, or null once it passes `limit` bytes (the rest is never read). */
async function readAtMost(request: Request, limit: number): Promise<string | null> {
  if (Number(request.headers.get("content-length") ?? 0) > limit) return null;
  const reader = request.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function badRequest(message: string): Response {
  return Response.json({ error: { code: "BAD_PAYLOAD", message } }, { status: 400, headers: { "cache-control": "no-store" } });
}

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
