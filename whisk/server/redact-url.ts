/**
 * Query parameters that may hold a secret: ioredis turns every parameter of a Redis URL into a
 * connection option, so `?password=` works as well as the userinfo form.
 */
const SECRET_PARAMETER = /pass|secret|token|key|auth/i;
const MASK = "***";

/**
 * A Redis URL fit for messages and logs: the password is masked however it is given.
 *
 * @example
 * redactUrl("redis://default:s3cret@redis:6379/0?password=s3cret&db=1");
 * // "redis://default:***@redis:6379/0?password=***&db=1"
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "(unparsable URL)";
  }
  if (parsed.password) parsed.password = MASK;
  // A lone userinfo part (`redis://s3cret@host`) is what some people write for a password.
  else if (parsed.username) parsed.username = MASK;
  for (const name of new Set(parsed.searchParams.keys())) {
    if (SECRET_PARAMETER.test(name)) parsed.searchParams.set(name, MASK);
  }
  return parsed.toString();
}
