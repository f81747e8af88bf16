"use client";
import { createWhiskReact } from "whisk/react";
/**
 * This app's Whisk hooks, typed from the server's definitions by a type-only import.
 * Import `WhiskProvider`, `useWhisk` and `useWhiskRoute` from here, never from `whisk/react`.
 */
import type { WhiskApp } from "@/server/app";

export const { WhiskProvider, useWhisk, useWhiskRoute, usePresence } = createWhiskReact<WhiskApp>();
