"use server";
/**
 * Server actions the client calls. `getWsToken` runs before every (re)connect of the socket.
 */
import { endSession, issueWsToken } from "../whisk/next";
import { newGuest } from "./lib/new-guest";

export async function getWsToken() {
  return issueWsToken({ newUser: newGuest });
}

/** Ends this session everywhere (its sockets are disconnected); the next token brings a new user. */
export async function resetSession() {
  await endSession();
}
