import { z } from "zod";

/**
 * A client id as `useRoom`'s optimistic sends make them (`newClientId`, whisk/core): put it in a
 * room group's send schema and message, and the sender's pending message is replaced by the
 * room's copy. Short and plain, so a hostile client cannot make it a payload of its own.
 */
export const clientIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "a client id: 8 to 64 letters, digits, - or _");
