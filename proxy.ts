/**
 * Next.js Proxy (the file Next 15 called middleware): runs before each page and gives it a
 * Content-Security-Policy with a fresh nonce. Next.js reads the nonce from the request's policy
 * and puts it on its own scripts; the response carries the same policy. The policy itself is in
 * app/lib/content-security-policy.ts; the headers every response gets are in next.config.ts.
 *
 * A nonce needs a page rendered per request: the root layout awaits `connection()` for that.
 */
import { type NextRequest, NextResponse } from "next/server";
import { contentSecurityPolicy, newNonce } from "./app/lib/content-security-policy";

// A web node (WHISK_ROLE=web) sends each page to a live gateway on another origin, learned at
// run time; every other role serves the page's socket on the page's own origin.
const connectTo = process.env.WHISK_ROLE === "web" ? "anywhere" : [];
const dev = process.env.NODE_ENV !== "production";

export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const policy = contentSecurityPolicy({ nonce, dev, connectTo });
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  // For the app's own <Script nonce={...}> tags: `(await headers()).get("x-nonce")`.
  headers.set("x-nonce", nonce);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      // Pages and server actions; not API routes, static files or the icon, which run no scripts.
      source: "/((?!api/|_next/static|_next/image|favicon.ico|icon.svg).*)",
      // The router's prefetches are not documents: the page that asked for them has its policy.
      missing: [{ type: "header", key: "next-router-prefetch" }],
    },
  ],
};
