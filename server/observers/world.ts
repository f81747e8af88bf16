/**
 * Observers of the "world" group: bus messages -> the sockets they address. Each key is a topic
 * (`world.said`) and the client event of the same name; the handler's return value is what the
 * client's `useWhiskRoute("world.said", ...)` receives.
 */
import { z } from "zod";
import { defineObservers } from "../../whisk/server";
import { observe } from "../builders";

export const worldObservers = defineObservers("world", {
  said: observe(
    z.object({
      id: z.string(),
      text: z.string(),
      userId: z.string(),
      at: z.number(),
    }),
  ).handle((message) => message),
});
