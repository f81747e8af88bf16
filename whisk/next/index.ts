/**
 * Next.js helpers: the iron-session cookie, the shared session record, and one-time ws_tokens,
 * for server components, server actions and route handlers.
 *
 * @example
 * "use server";
 * import { issueWsToken } from "whisk/next";
 * export const getWsToken = async () => issueWsToken({ newUser: () => ({ userId: crypto.randomUUID(), userName: "Guest" }) });
 */
export { issueWsToken, isTrustedRequestOrigin, pageWsToken, refuseForeignOrigin } from "./issue-ws-token";
export { currentMember, currentSession, endSession, ensureSession, startSession } from "./session-cookie";
export { type WhiskRuntime, whiskRuntime } from "./whisk-runtime";
