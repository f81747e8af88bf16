import { randomUUID } from "node:crypto";
import type { NewSession } from "whisk/session";

/**
 * Where real authentication plugs in. The demo trusts the display name it is given and makes a
 * new user for it; a real app checks a password, a magic link or an OAuth callback here and
 * returns the stored user's id and name.
 */
export async function newSignedInUser(displayName: string): Promise<NewSession> {
  return { userId: randomUUID(), userName: displayName };
}
