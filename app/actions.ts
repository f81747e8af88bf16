"use server";
/**
 * Server actions the pages call. The token actions run before every (re)connect of the socket.
 */
import { redirect } from "next/navigation";
import { endSession, issueWsToken, startSession } from "whisk/next";
import { parseDisplayName } from "@/server/display-name";
import { DEFAULT_ROOM } from "@/server/rooms";
import { newGuest } from "./lib/new-guest";
import { newSignedInUser } from "./lib/sign-in";

/** The hello-world page: a first-time visitor gets an anonymous user. */
export async function getWsToken() {
  return issueWsToken({ newUser: newGuest });
}

/** The chat: only for a signed-in member (issueWsToken without newUser refuses guests). */
export async function getChatToken() {
  return issueWsToken();
}

/** Ends this session everywhere (its sockets are disconnected); the next token brings a new user. */
export async function resetSession() {
  await endSession();
}

export interface SignInState {
  error?: string;
  name?: string;
}

/** Signs in with a display name (no password: see app/lib/sign-in.ts; rules: server/display-name.ts), then opens the default room. */
export async function signIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  const name = form.get("name");
  const parsed = parseDisplayName(name);
  if (!parsed.ok) return { error: parsed.error, name: typeof name === "string" ? name : "" };
  // Provisional until the room page's socket connects: a sign-in costs nothing here (no password).
  await startSession(await newSignedInUser(parsed.name), { provisional: true });
  redirect(`/rooms/${DEFAULT_ROOM}`);
}

/** Signs out everywhere: every socket of this session, on every gateway, is closed. */
export async function signOut() {
  await endSession();
  redirect("/");
}
