import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce } from "./content-security-policy";

/** The policy as a map from directive to its sources. */
function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy.split("; ").map((directive) => {
      const [name = "", ...sources] = directive.split(" ");
      return [name, sources];
    }),
  );
}

const production = { nonce: "bm9uY2U=", dev: false, connectTo: [] } as const;

describe("contentSecurityPolicy", () => {
  it("lets scripts run only with this request's nonce (and what they load), in production without eval", () => {
    const policy = directives(contentSecurityPolicy(production));
    expect(policy["script-src"]).toEqual(["'self'", "'nonce-bm9uY2U='", "'strict-dynamic'"]);
    expect(policy["script-src"]).not.toContain("'unsafe-inline'");
    expect(policy["script-src"]).not.toContain("'unsafe-eval'");
  });

  it("allows eval in development only, which React's debugging aids need", () => {
    expect(directives(contentSecurityPolicy({ ...production, dev: true }))["script-src"]).toContain("'unsafe-eval'");
  });

  it("forbids framing, plugins, foreign forms and a foreign <base>", () => {
    const policy = directives(contentSecurityPolicy(production));
    expect(policy["frame-ancestors"]).toEqual(["'none'"]);
    expect(policy["object-src"]).toEqual(["'none'"]);
    expect(policy["form-action"]).toEqual(["'self'"]);
    expect(policy["base-uri"]).toEqual(["'self'"]);
    expect(policy["default-src"]).toEqual(["'self'"]);
  });

  it("connects only to the page's own origin by default (its socket.io and hot reload included)", () => {
    expect(directives(contentSecurityPolicy(production))["connect-src"]).toEqual(["'self'"]);
  });

  it("adds each origin it is given with its ws or wss twin, dropping any path", () => {
    const policy = contentSecurityPolicy({ ...production, connectTo: ["http://127.0.0.1:3001", "https://ws.example.com/whisk/"] });
    expect(directives(policy)["connect-src"]).toEqual([
      "'self'",
      "http://127.0.0.1:3001",
      "ws://127.0.0.1:3001",
      "https://ws.example.com",
      "wss://ws.example.com",
    ]);
  });

  it("connects anywhere over http(s) and ws(s) when gateways are only known at run time, and never to other schemes", () => {
    const connect = directives(contentSecurityPolicy({ ...production, connectTo: "anywhere" }))["connect-src"];
    expect(connect).toEqual(["'self'", "http:", "https:", "ws:", "wss:"]);
    expect(connect).not.toContain("*");
  });

  it("does not upgrade requests to https, which would break plain-HTTP gateways", () => {
    expect(contentSecurityPolicy(production)).not.toContain("upgrade-insecure-requests");
  });
});

describe("newNonce", () => {
  it("gives 128 bits in base64, a different value each time", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});
