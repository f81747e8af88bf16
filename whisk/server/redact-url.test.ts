import { describe, expect, it } from "vitest";
import { redactUrl } from "./redact-url";

describe("redactUrl", () => {
  it("masks the password given as userinfo, keeping the user, host, port and database", () => {
    expect(redactUrl("redis://default:s3cret@redis.internal:6380/2")).toBe("redis://default:***@redis.internal:6380/2");
    expect(redactUrl("rediss://:s3cret@redis.internal:6380")).toBe("rediss://:***@redis.internal:6380");
  });

  it("masks a lone userinfo part, which some people write for the password", () => {
    expect(redactUrl("redis://s3cret@redis.internal:6379")).toBe("redis://***@redis.internal:6379");
  });

  it.each([
    ["password", "redis://redis.internal:6379?password=s3cret"],
    ["pass", "redis://redis.internal:6379/?pass=s3cret"],
    ["sentinelPassword", "redis://redis.internal:6379/?sentinelPassword=s3cret"],
    ["a percent-encoded password", "redis://redis.internal:6379/?password=s%20cr%26t"],
  ])("masks a password given as a query parameter: %s", (_name, url) => {
    const redacted = redactUrl(url);
    expect(redacted).not.toMatch(/s3cret|s%20cr/);
    expect(redacted).toContain("=***");
  });

  it("masks every copy of a repeated secret parameter and keeps the harmless ones", () => {
    const redacted = redactUrl("redis://u:a@redis.internal:6379/0?password=one&db=1&password=two&family=6");
    expect(redacted).toBe("redis://u:***@redis.internal:6379/0?password=***&db=1&family=6");
  });

  it("leaves a URL with no secret as it is", () => {
    expect(redactUrl("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
  });

  it("says the URL is unparsable rather than echo it, since it may hold a secret", () => {
    expect(redactUrl("not a url s3cret")).toBe("(unparsable URL)");
  });
});
