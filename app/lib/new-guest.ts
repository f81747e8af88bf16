import { randomInt, randomUUID } from "node:crypto";
import type { NewSession } from "whisk/session";

/**
 * The user a first-time visitor gets, as in the original hello-world: an anonymous number.
 * Real authentication plugs in here: look the user up instead of inventing one.
 */
export function newGuest(): NewSession {
  return { userId: randomUUID(), userName: String(randomInt(1000, 10000)) };
}
