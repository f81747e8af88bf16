import { z } from "zod";

/** Someone as the chat names them in what it sends: their user id and display name. */
export const person = z.object({ id: z.string(), name: z.string() });
