import type { Socket } from "socket.io";
import { toErrorPayload, WhiskError } from "../core/errors";
import { DISCONNECT_EVENT } from "../core/protocol";
import { type BucketConfig, type BucketState, takeToken } from "./token-bucket";

export type RateVerdict = "allow" | "refuse" | "disconnect";

const WINDOW_MS = 10_000;

export type RateGuardConfig = BucketConfig & { disconnectAfter: number };

/**
 * One socket's event budget: a token bucket, and a count of refusals in the last 10 s. A socket
 * over budget is refused (RATE_LIMITED); one that keeps flooding is disconnected. A class with
 * its state in its own fields (it is the bucket), so each socket's guard is one small object.
 */
export class EventRateGuard implements BucketState {
  tokens: number;
  updatedAt: number;
  #refused = 0;
  #windowStart: number;

  constructor(
    private readonly config: RateGuardConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = config.capacity;
    this.updatedAt = now();
    this.#windowStart = this.updatedAt;
  }

  /** `cost`: what this event takes from the budget (its route's cost; 1 for most). */
  check(cost = 1): RateVerdict {
    const at = this.now();
    const { allowed, state } = takeToken(this, this.config, at, cost);
    this.tokens = state.tokens;
    this.updatedAt = state.updatedAt;
    if (allowed) return "allow";
    if (at - this.#windowStart > WINDOW_MS) {
      this.#windowStart = at;
      this.#refused = 0;
    }
    this.#refused += 1;
    return this.#refused > this.config.disconnectAfter ? "disconnect" : "refuse";
  }
}

/** A socket's guard, its bucket full. */
export function createEventRateGuard(config: RateGuardConfig, now: () => number = Date.now): EventRateGuard {
  return new EventRateGuard(config, now);
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
