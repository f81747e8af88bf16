/**
 * Observers of the "world" group: bus messages -> the sockets they address. Each key is a topic
 * (`world.said`) and the client event of the same name; the handler's return value is what the
 * client's `useWhiskRoute("world.said", ...)` receives.
 */
import { z } from "zod";
import { defineObservers } from "../../whisk/server";
import { observe } from "../builders";

export const worldObservers = defineObservers("world", {
  // No history to resume from, and the page shows only recent lines: a slow reader gets the latest 100, not a cut.
  said: observe(
    z.object({
      id: z.string(),
      text: z.string(),
      userId: z.string(),
      at: z.number(),
    }),
  )
    .slowClients({ policy: "drop-oldest", maxQueued: 100 })
    .handle((message) => message),
});
