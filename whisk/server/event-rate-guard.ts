import type { Socket } from "socket.io";
import { toErrorPayload, WhiskError } from "../core/errors";
import { DISCONNECT_EVENT } from "../core/protocol";
import { type BucketConfig, fullBucket, takeToken } from "./token-bucket";

export type RateVerdict = "allow" | "refuse" | "disconnect";

const WINDOW_MS = 10_000;

/**
 * One socket's event budget: a token bucket, and a count of refusals in the last 10 s. A socket
 * over budget is refused (RATE_LIMITED); one that keeps flooding is disconnected.
 */
export function createEventRateGuard(config: BucketConfig & { disconnectAfter: number }, now: () => number = Date.now) {
  let bucket = fullBucket(config, now());
  let refused = 0;
  let windowStart = now();
  return {
    /** `cost`: what this event takes from the budget (its route's cost; 1 for most). */
    check(cost = 1): RateVerdict {
      const at = now();
      const taken = takeToken(bucket, config, at, cost);
      bucket = taken.state;
      if (taken.allowed) return "allow";
      if (at - windowStart > WINDOW_MS) {
        windowStart = at;
        refused = 0;
      }
      refused += 1;
      return refused > config.disconnectAfter ? "disconnect" : "refuse";
    },
  };
}

/**
 * Disconnects a socket that kept flooding after its RATE_LIMITED refusals. It is told why first
 * (`whisk.disconnect` with RATE_LIMITED): a bare server disconnect reads as a sign-out, after
 * which the client never comes back; with the notice, it reconnects after a growing pause (and
 * gets a fresh budget). The notice and the disconnect packet go out in order on one connection.
 */
export function disconnectFlooder(socket: Socket): void {
  // Events already received in the same batch may ask again: tell and disconnect once.
  if (!socket.connected) return;
  socket.emit(DISCONNECT_EVENT, toErrorPayload(new WhiskError("RATE_LIMITED", "Disconnected for flooding; reconnect after a pause.")));
  socket.disconnect(true);
}
