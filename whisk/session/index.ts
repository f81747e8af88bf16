/**
 * Sessions and one-time ws_tokens: the interfaces, and their memory implementations for the
 * embedded mode. The Redis implementations satisfy the same interfaces.
 *
 * @example
 * const tokens = new MemoryTokenStore();
 * const { token } = await tokens.issue({ sessionId, userId }, 10_000);
 * await tokens.consume(token); // the binding, once; null ever after
 *
 * const sessionData = defineSessionData(z.object({ theme: z.enum(["light", "dark"]) }));
 * await sessions.update(sessionId, sessionData.patch({ theme: "dark" })); // checked before it is stored
 */
export { FileSessionStore } from "./file-session-store";
export { MemorySessionStore } from "./memory-session-store";
export { MemoryTokenStore } from "./memory-token-store";
export { RedisSessionStore } from "./redis-session-store";
export { RedisTokenStore } from "./redis-token-store";
export { defineSessionData, type SessionData } from "./session-data";
export type { CreateOptions, NewSession, SessionRecord, SessionStore } from "./session-store";
export type { IssuedToken, TokenBinding, TokenStore } from "./token-store";
export { createWsToken, isWellFormedWsToken } from "./ws-token";
