"use client";
import { createWhiskReact } from "whisk/react";
/**
 * This app's Whisk hooks, typed from the server's definitions by a type-only import.
 * Import `WhiskProvider` and the hooks from here, never from `whisk/react`: `useWhiskRoute` calls a
 * route (client to server), `useWhiskEvent` hears an observer's event (server to client).
 */
import type { WhiskApp } from "@/server/app";

export const { WhiskProvider, useWhisk, useWhiskRoute, useWhiskEvent, usePresence, useRoom, useInbox } = createWhiskReact<WhiskApp>();
