import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";

/**
 * The proxies whose X-Forwarded-For is believed: addresses ("10.0.0.2") or ranges ("172.16.0.0/12",
 * for a container network whose proxy's address is given out at start), in Node's BlockList.
 */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly empty: boolean;

  constructor(entries: readonly string[] = []) {
    for (const entry of entries) {
      const [address = "", bits] = entry.trim().split("/");
      const family = isIP(address) === 6 ? "ipv6" : "ipv4";
      if (isIP(address) === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits))) {
        throw new Error(`A trusted proxy is an address or a range such as 10.0.0.0/8 (got "${entry}").`);
      }
      if (bits === undefined) this.list.addAddress(address, family);
      else this.list.addSubnet(address, Number(bits), family);
    }
    this.empty = entries.length === 0;
  }

  has(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.list.check(address, family === 6 ? "ipv6" : "ipv4");
  }
}

/**
 * The address a request came from, for per-client limits. The TCP peer, unless that peer is one
 * of the trusted proxies (e.g. the nginx in front): then the nearest address in X-Forwarded-For
 * that is not itself a trusted proxy. Without a trusted proxy the header is ignored: any client
 * can write it, and a limit keyed on it would be a limit on nothing.
 */
export function clientAddress(req: IncomingMessage, trusted: TrustedProxies = NO_PROXIES): string {
  const peer = normalizeAddress(req.socket.remoteAddress ?? "");
  if (trusted.empty || !trusted.has(peer)) return peer;
  const header = req.headers["x-forwarded-for"];
  const forwarded = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((part) => normalizeAddress(part.trim()))
    .filter(Boolean);
  // Right to left: each proxy appends the address it saw, so the rightmost entries are the most trusted.
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const address = forwarded[i] as string;
    if (!trusted.has(address)) return address;
  }
  return peer;
}

const NO_PROXIES = new TrustedProxies();

/**
 * What per-address limits count by: an IPv4 address, or the /64 network of an IPv6 one. One host
 * commonly holds a whole /64 (2^64 addresses): keyed by full address it would never be limited,
 * and could push everyone else out of the limiter's bounded memory.
 */
export function limitKey(address: string): string {
  if (isIP(address) !== 6 || address.includes(".")) return address;
  const [head = "", tail] = address.toLowerCase().split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups = [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/** `::ffff:127.0.0.1` (IPv4 on a dual-stack socket) and `127.0.0.1` are one client. */
export function normalizeAddress(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
