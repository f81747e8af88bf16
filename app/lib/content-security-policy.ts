/**
 * The Content-Security-Policy of every page; `proxy.ts` sets it with a fresh nonce per request.
 * Edit it here when the app loads something from elsewhere: a script's host goes in script-src
 * (scripts it loads in turn are trusted through 'strict-dynamic'), an API's origin in `connectTo`.
 */

export interface PolicyOptions {
  /** This request's nonce: Next.js reads it from the request's policy and puts it on its scripts. */
  nonce: string;
  /** Development: React uses eval for its debugging aids (server error stacks in the browser). */
  dev: boolean;
  /**
   * Origins pages may fetch from and open sockets to besides their own ('self' covers its http
   * and ws URLs, hot reload included), e.g. `["https://api.example.com"]`; each gets its ws
   * or wss twin. "anywhere" when the socket's origin is only known at run time: a web node
   * (WHISK_ROLE=web) hands each page a live gateway's WHISK_PUBLIC_URL, and a gateway that
   * starts after the page loaded must still be reachable on reconnect.
   */
  connectTo: readonly string[] | "anywhere";
}

/**
 * @example
 * contentSecurityPolicy({ nonce: newNonce(), dev: false, connectTo: [] });
 * // "default-src 'self'; script-src 'self' 'nonce-…' 'strict-dynamic'; … frame-ancestors 'none'"
 */
export function contentSecurityPolicy({ nonce, dev, connectTo }: PolicyOptions): string {
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    // With a nonce and 'strict-dynamic', only Next's own tags and the chunks they load run.
    "script-src": ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(dev ? ["'unsafe-eval'"] : [])],
    // Next's built-in error and 404 pages use style attributes, which no nonce can allow; a
    // style cannot run code.
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "blob:", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'", ...(connectTo === "anywhere" ? ["http:", "https:", "ws:", "wss:"] : connectTo.flatMap(withSocketTwin))],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    // No upgrade-insecure-requests: the cluster and test deployments run on plain HTTP, where it
    // would turn a gateway's ws:// into wss:// and break it. HTTPS is the TLS proxy's job (HSTS).
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(" ")}`)
    .join("; ");
}

/** 128 random bits, base64: a new one for each response, so a page's nonce tells nothing about the next. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

/** An http(s) origin and the ws(s) URL of the same host, which CSP matches separately. */
function withSocketTwin(origin: string): string[] {
  const url = new URL(origin);
  const socketScheme = url.protocol === "https:" ? "wss:" : "ws:";
  return [url.origin, `${socketScheme}//${url.host}`];
}
