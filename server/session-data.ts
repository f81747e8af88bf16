/**
 * What this app keeps in each session's shared `data`, readable from any process: pages, routes,
 * workers. Declare a field here before writing it; read and write through `sessionData`.
 */
import { defineSessionData } from "whisk/server";
import { z } from "zod";
import { roomIdSchema } from "./rooms";

export const sessionData = defineSessionData(
  z.object({
    /** The chat room this person last entered (server/workers/chat.ts); `/` sends them back there. */
    room: roomIdSchema,
    /** When this person last said something in the hello-world (server/routes/world.ts). */
    lastSaidAt: z.number(),
  }),
);
