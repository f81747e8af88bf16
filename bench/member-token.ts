/**
 * Whisk's side of a benchmark connection: the chat's rooms serve signed-in members only, so a
 * load client signs in (`POST /api/session`) and asks for tokens with that member's cookie.
 */
let members = 0;

export async function signInMember(url: string): Promise<string> {
  // Names differ in more than look-alike characters: the chat keeps look-alikes out of a room.
  members += 1;
  const response = await fetch(`${url}/api/session`, {
    method: "POST",
    headers: { origin: url, "content-type": "application/json" },
    body: JSON.stringify({ name: `Bench ${process.pid} ${members}` }),
  });
  if (!response.ok) throw new Error(`sign-in answered ${response.status}`);
  return response.headers.get("set-cookie")?.split(";")[0] ?? "";
}

/** A one-time ws_token for the session behind `cookie`. */
export async function tokenFor(url: string, cookie: string): Promise<string> {
  const response = await fetch(`${url}/api/ws-token`, { method: "POST", headers: { origin: url, cookie } });
  return ((await response.json()) as { token: string }).token;
}

/** A new member's token, for a one-off connection. */
export async function memberToken(url: string): Promise<string> {
  return tokenFor(url, await signInMember(url));
}
