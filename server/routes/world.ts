/**
 * Routes of the "world" group: client -> server events `world.<key>`. The original hello-world:
 * anyone says something, everyone hears it. Identity comes from `ctx.user`, never the payload.
 */
import { randomUUID } from "node:crypto";
import { defineRoutes } from "whisk/server";
import { z } from "zod";
import { route } from "@/server/builders";
import { messageText } from "@/server/message-text";
import { worldObservers } from "@/server/observers/world";
import { sessionData } from "@/server/session-data";

export const MAX_MESSAGE_LENGTH = 500;

// The hello-world is open to guests: a first-time visitor gets an anonymous user (app/hello).
export const worldRoutes = defineRoutes(
  "world",
  {
    say: route
      .input(z.object({ message: messageText(MAX_MESSAGE_LENGTH) }).describe("Says something to everyone on the hello-world page."))
      .output(z.object({ id: z.string() }))
      .handle(async ({ message }, ctx) => {
        const id: string = randomUUID();
        // Data, not a sentence: the client writes the line, so a name cannot pass for part of it.
        const said = { id, user: { id: ctx.user.id, name: ctx.user.name }, message, at: ctx.services.now() };
        await ctx.bus.everyone().publish(worldObservers.topics.said, said);
        // Kept in the shared session, so any process (a server action, a worker) can read it.
        await ctx.session.update(sessionData.patch({ lastSaidAt: said.at }));
        return { id };
      }),
    /** Answers at once with the server's clock: for a client measuring its latency (and the benchmark). */
    ping: route
      .input(z.object({}).describe("Answers at once with the server's clock."))
      .output(z.object({ at: z.number() }))
      .handle((_input, ctx) => ({ at: ctx.services.now() })),
  },
  { access: "guests" },
);
