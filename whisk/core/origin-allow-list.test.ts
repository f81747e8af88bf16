import { describe, expect, it } from "vitest";
import { isOriginAllowed, normaliseOrigin } from "./origin-allow-list";

const ALLOW = ["http://localhost:3000", "https://app.example.com"];

describe("isOriginAllowed", () => {
  it.each(["http://localhost:3000", "https://app.example.com"])("lets %s through, an exact match", (origin) => {
    expect(isOriginAllowed(origin, ALLOW)).toBe(true);
  });

  it("lets an origin through that differs only in the case of scheme and host, which URLs ignore", () => {
    expect(isOriginAllowed("HTTP://LocalHost:3000", ALLOW)).toBe(true);
  });

  it("matches an allow-list entry written with its default port against an origin without it", () => {
    expect(isOriginAllowed("https://app.example.com", ["https://app.example.com:443"])).toBe(true);
  });

  it("refuses the literal null origin of sandboxed frames and file pages", () => {
    expect(isOriginAllowed("null", ALLOW)).toBe(false);
  });

  it("refuses the null origin even when the allow-list contains 'null'", () => {
    expect(isOriginAllowed("null", ["null", ...ALLOW])).toBe(false);
  });

  it.each([
    ["a host that merely starts with the allowed host:port", "http://localhost:3000.evil.com"],
    ["a host that merely ends with the allowed host", "http://evil-localhost:3000"],
    ["a subdomain of the allowed host", "https://evil.app.example.com"],
    ["the allowed host as a subdomain of another", "https://app.example.com.evil.com"],
  ])("refuses %s: %s", (_name, origin) => {
    expect(isOriginAllowed(origin, ALLOW)).toBe(false);
  });

  it.each([
    ["https where http is allowed", "https://localhost:3000"],
    ["http where https is allowed", "http://app.example.com"],
    ["the ws: scheme", "ws://localhost:3000"],
    ["the wss: scheme", "wss://app.example.com"],
    ["the file: scheme", "file:///etc/passwd"],
    ["a javascript: URL", "javascript:alert(1)"],
  ])("refuses the wrong scheme: %s", (_name, origin) => {
    expect(isOriginAllowed(origin, ALLOW)).toBe(false);
  });

  it.each([
    ["ws:", "ws://localhost:3000"],
    ["file:", "file:///home/user/page.html"],
    ["javascript:", "javascript:alert(1)"],
  ])("refuses a %s origin even when the allow-list names that very origin (only http and https pages may connect)", (_name, origin) => {
    expect(isOriginAllowed(origin, [origin])).toBe(false);
  });

  it.each([
    ["another port", "http://localhost:3001"],
    ["no port where one is required", "http://localhost"],
    ["an explicit port where the default is allowed", "https://app.example.com:8443"],
  ])("refuses the wrong port: %s", (_name, origin) => {
    expect(isOriginAllowed(origin, ALLOW)).toBe(false);
  });

  it.each([
    ["a path", "http://localhost:3000/evil"],
    ["a query", "http://localhost:3000/?x=1"],
    ["a fragment", "http://localhost:3000/#x"],
  ])("refuses an origin carrying %s", (_name, origin) => {
    expect(isOriginAllowed(origin, ALLOW)).toBe(false);
  });

  it.each([
    ["userinfo that makes evil.com the host", "http://localhost:3000@evil.com"],
    ["a user name in front of the allowed host", "http://user@localhost:3000"],
    ["a user and password in front of the allowed host", "http://user:pass@localhost:3000"],
  ])("refuses %s", (_name, origin) => {
    expect(isOriginAllowed(origin, ALLOW)).toBe(false);
  });

  it.each([
    ["a bare host", "localhost:3000"],
    ["garbage", "not an origin"],
    ["a scheme alone", "http://"],
  ])("refuses something that is not an origin: %s", (_name, origin) => {
    expect(isOriginAllowed(origin, ALLOW)).toBe(false);
  });

  it("refuses every origin when the allow-list is empty", () => {
    expect(isOriginAllowed("http://localhost:3000", [])).toBe(false);
  });

  it("ignores a malformed allow-list entry instead of matching everything", () => {
    expect(isOriginAllowed("http://localhost:3000", ["*", "localhost", ""])).toBe(false);
  });

  it("lets a request with no Origin header through by default (non-browser clients still need a token)", () => {
    expect(isOriginAllowed(undefined, ALLOW)).toBe(true);
    expect(isOriginAllowed("", ALLOW)).toBe(true);
  });

  it("refuses a request with no Origin header when requireOrigin is set", () => {
    expect(isOriginAllowed(undefined, ALLOW, { requireOrigin: true })).toBe(false);
    expect(isOriginAllowed("", ALLOW, { requireOrigin: true })).toBe(false);
  });

  it("still lets an allowed origin through when requireOrigin is set", () => {
    expect(isOriginAllowed("http://localhost:3000", ALLOW, { requireOrigin: true })).toBe(true);
  });
});

describe("normaliseOrigin", () => {
  it("reduces an origin to scheme://host[:port] in lower case, dropping a default port", () => {
    expect(normaliseOrigin("HTTPS://App.Example.com:443")).toBe("https://app.example.com");
    expect(normaliseOrigin("http://localhost:3000")).toBe("http://localhost:3000");
  });

  it("returns null for null, other schemes, paths and user names", () => {
    expect(normaliseOrigin("null")).toBeNull();
    expect(normaliseOrigin("ws://localhost:3000")).toBeNull();
    expect(normaliseOrigin("http://localhost:3000/x")).toBeNull();
    expect(normaliseOrigin("http://a@localhost:3000")).toBeNull();
  });
});
