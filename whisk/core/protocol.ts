/**
 * Names on the wire that belong to Whisk itself. App events are always `group.event`;
 * the `whisk.` group is reserved.
 */
export const WHISK_PATH = "/whisk";

/** Server -> client, once the token is accepted: who you are and which node holds you. */
export const WELCOME_EVENT = "whisk.welcome";
/** Server -> client, when an event without an ack callback fails. */
export const ERROR_EVENT = "whisk.error";
/** Bus topic: gateways disconnect the addressed sockets (logout, reset). */
export const DISCONNECT_TOPIC = "whisk.disconnect";
/**
 * Server -> client, right before the server disconnects a socket that may come back: why, as a
 * `WhiskErrorPayload` (`RATE_LIMITED` for a flood). The client reconnects after a pause. A server
 * disconnect without it (sign-out, session ended) is final: the client stays disconnected.
 */
export const DISCONNECT_EVENT = "whisk.disconnect";
/** Bus topic and client event: who is in a room now (sent to that room whenever it changes). */
export const PRESENCE_TOPIC = "whisk.presence";

/**
 * A `snapshot` lists everyone in the room (sent to a socket as it joins, and to the room after a
 * gateway died); a `diff` lists only the users whose count changed, `tabs: 0` meaning gone. Diffs
 * keep a big room cheap: a join costs one line to each member, not the whole list.
 */
export interface PresenceUpdate {
  room: string;
  kind: "snapshot" | "diff";
  /** `state`: what the user's latest tab set with `<group>.presence` (typing, idle...), if any. */
  users: { userId: string; userName: string; tabs: number; state?: unknown }[];
}

/** Server -> client: this gateway is shutting down; move to another now (a fresh grant names one). */
export const DRAIN_EVENT = "whisk.drain";

/**
 * Server -> client: a single-use token (a ResumeGrant) for this socket's next reconnect, so a
 * reconnect asks the web tier for nothing; sent once a socket has been connected a while, and renewed.
 */
export const RESUME_EVENT = "whisk.resume";

/** At most this many other gateways in a ResumeGrant. */
export const MAX_RESUME_GATEWAYS = 8;

/** Bus topic: a worker's answer to `bus.request`, addressed to the requesting node. */
export const REPLY_TOPIC = "whisk.reply";

export interface Welcome {
  nodeId: string;
  socketId: string;
  user: { id: string; name: string };
}

/** The body a token route or action returns to the client. */
export interface TokenGrant {
  token: string;
  expiresAt: number;
  /** The gateway to connect to; absent means the page's own origin. */
  url?: string;
}

/**
 * What `whisk.resume` brings: a token for the next reconnect and, where pages reach gateways
 * directly (not behind one origin), the other live gateways' URLs, so a client whose gateway died
 * or drains moves to one of them with this token instead of asking the web tier where to go.
 */
export interface ResumeGrant {
  token: string;
  expiresAt: number;
  gateways?: string[];
}

/** An event name is `group.event`: two lower-camel words joined by one dot. */
export const EVENT_NAME = /^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*$/;
