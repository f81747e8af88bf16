/**
 * What `npm run dev` keeps across restarts, so editing server code and restarting signs nobody
 * out: the sessions (FileSessionStore) and, when SESSION_SECRET is not set, the secret made up for
 * their cookies. Development only; production sets SESSION_SECRET and, scaled, keeps sessions in Redis.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export function devStatePaths(dir: string) {
  const root = resolve(dir);
  return { sessions: join(root, "sessions.json"), secret: join(root, "session-secret") };
}

/** The development server's cookie secret: the one kept in `path`, or a new one written there. */
export function devSessionSecret(path: string): string {
  if (existsSync(path)) {
    const kept = readFileSync(path, "utf8").trim();
    if (kept.length >= 32) return kept;
  }
  mkdirSync(dirname(path), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(path, secret, { mode: 0o600 });
  return secret;
}
