/**
 * How the Playwright kit (playwright.ts) finds its way around an app's pages: by accessible names,
 * as a person reads them, so a test says what the user does, not which CSS it clicks. The
 * defaults are the demo's; an app with other words passes its own in `users(n, { labels })`.
 */
export interface UserLabels {
  /** The sign-in form's textbox for the person's name. */
  nameBox: string;
  /** The button that submits the sign-in form. */
  join: string;
  /** The textbox a message is typed into. */
  messageBox: string;
  /** The button that sends it. */
  send: string;
  /** How the connection status (role `status`) starts once connected; the gateway's name follows it (`node()`). */
  connected: string;
}

/** The demo's words: "Display name" and "Join" to sign in, "Message" and "Send", "Connected to ws-1". */
export const DEFAULT_USER_LABELS: Readonly<UserLabels> = {
  nameBox: "Display name",
  join: "Join",
  messageBox: "Message",
  send: "Send",
  connected: "Connected to ",
};

/** The labels to use: the given ones over the defaults (a field given as undefined keeps its default). */
export function userLabels(given: Partial<UserLabels> = {}): UserLabels {
  const labels = { ...DEFAULT_USER_LABELS };
  for (const [key, value] of Object.entries(given) as [keyof UserLabels, string | undefined][]) {
    if (value !== undefined) labels[key] = value;
  }
  return labels;
}

/** Matches a status that reads as connected; the label is text, so its `.` or `(` match only themselves. */
export function connectedPattern(labels: UserLabels): RegExp {
  return new RegExp(`^${labels.connected.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`);
}

/** The gateway's name in a connected status ("Connected to ws-2" -> "ws-2"); any other status as it reads. */
export function nodeFromStatus(status: string, labels: UserLabels): string {
  return status.startsWith(labels.connected) ? status.slice(labels.connected.length) : status;
}
