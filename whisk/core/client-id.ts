/**
 * The id a client gives a message it sends before the server has seen it (an optimistic send):
 * the room's copy carries it back, so the sender's page puts it in the pending one's place.
 * 128 random bits, so nobody else can know one before it is published; the server checks its
 * shape with `clientIdSchema` (whisk/server). `crypto.getRandomValues`, not `randomUUID`, which a
 * page served over plain http from another host (a phone on the LAN) does not have.
 */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
