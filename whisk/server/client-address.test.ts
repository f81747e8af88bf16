import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddress, limitKey, TrustedProxies } from "./client-address";

const request = (peer: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor } }) as IncomingMessage;

describe("clientAddress", () => {
  it("is the TCP peer, IPv4-mapped addresses written as IPv4", () => {
    expect(clientAddress(request("::ffff:192.0.2.7"))).toBe("192.0.2.7");
    expect(clientAddress(request("2001:db8::1"))).toBe("2001:db8::1");
  });

  it("ignores X-Forwarded-For unless the peer is a trusted proxy: anyone can write the header", () => {
    expect(clientAddress(request("192.0.2.7", "203.0.113.9"))).toBe("192.0.2.7");
    expect(clientAddress(request("192.0.2.7", "203.0.113.9"), new TrustedProxies(["10.0.0.2"]))).toBe("192.0.2.7");
  });

  it("trusts a range (a container network), IPv6 too, and refuses what is neither address nor range", () => {
    const ranges = new TrustedProxies(["172.16.0.0/12", "fd00::/8"]);
    expect(clientAddress(request("::ffff:172.18.0.5", "203.0.113.9"), ranges)).toBe("203.0.113.9");
    expect(clientAddress(request("fd12::3", "2001:db8::7"), ranges)).toBe("2001:db8::7");
    expect(clientAddress(request("192.0.2.7", "203.0.113.9"), ranges)).toBe("192.0.2.7");
    expect(() => new TrustedProxies(["nginx"])).toThrow(/address or a range/);
    expect(() => new TrustedProxies(["10.0.0.0/x"])).toThrow(/address or a range/);
  });

  it("behind a trusted proxy, takes the nearest address the proxies did not add themselves", () => {
    expect(clientAddress(request("10.0.0.2", "203.0.113.9"), new TrustedProxies(["10.0.0.2"]))).toBe("203.0.113.9");
    // A client's own forged entries sit to the left of what the proxy appended: never used.
    expect(clientAddress(request("10.0.0.2", "1.2.3.4, 203.0.113.9"), new TrustedProxies(["10.0.0.2"]))).toBe("203.0.113.9");
    expect(clientAddress(request("10.0.0.2", "203.0.113.9, 10.0.0.3"), new TrustedProxies(["10.0.0.2", "10.0.0.3"]))).toBe("203.0.113.9");
    expect(clientAddress(request("10.0.0.2"), new TrustedProxies(["10.0.0.2"]))).toBe("10.0.0.2");
  });

  it("counts an IPv6 host by its /64, however it writes its address, and an IPv4 one by its address", () => {
    expect(limitKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(limitKey("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(limitKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(limitKey("::1")).toBe("0:0:0:0::/64");
    expect(limitKey("192.0.2.7")).toBe("192.0.2.7");
  });
});
