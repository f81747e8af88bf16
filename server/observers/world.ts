/**
 * Observers of the "world" group: bus messages -> the sockets they address. Each key is a topic
 * (`world.said`) and the client event of the same name; the handler's return value is what the
 * client's `useWhiskEvent("world.said", ...)` receives.
 *
 * `world.said` is data, not a sentence: the client writes "User … said …" with the name as a name
 * (app/components/hello-world.tsx), so a chosen name such as `Bob" said "hi` cannot forge a line.
 */

import { defineObservers } from "whisk/server";
import { z } from "zod";
import { observe } from "@/server/builders";

/** Someone said something in the hello-world: who (from the session) and what, never a finished sentence. */
export const worldSaidSchema = z.object({
  id: z.string(),
  user: z.object({ id: z.string(), name: z.string() }),
  message: z.string(),
  at: z.number(),
});

export type WorldSaid = z.infer<typeof worldSaidSchema>;

export const worldObservers = defineObservers("world", {
  // No history to resume from, and the page shows only recent lines: a slow reader gets the latest 100, not a cut.
  said: observe(worldSaidSchema)
    .slowClients({ policy: "drop-oldest", maxQueued: 100 })
    .handle((message) => message),
});
