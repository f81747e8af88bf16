import type { Namespace } from "socket.io";
import type { SocketIdentity } from "./auth-middleware";

/** Node's timers hold at most 2^31-1 ms (24.8 days); a longer delay fires at once instead. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;
/**
 * The shortest time between two looks at the sockets: sessions ending within it of each other
 * are closed by one look (a socket at most this late), so a thousand sessions ending within a
 * second cost ten passes over the sockets, not a thousand.
 */
const MIN_GAP_MS = 100;

/**
 * Closes every socket of a namespace when its session ends (`SocketIdentity.sessionExpiresAt`),
 * with one timer for the whole gateway rather than a timer and its closures per socket (about
 * 600 bytes each). The timer waits for the earliest end among the sockets; when it fires, the
 * sockets whose session has ended are disconnected and the next earliest end is read from the
 * others. A socket that leaves first costs nothing: the timer then finds nobody to close.
 * Never closes a socket synchronously, and the timer does not keep the process up.
 */
export class SessionEnds {
  #timer: NodeJS.Timeout | undefined;
  /** When the timer fires; Infinity while none is set. */
  #due = Number.POSITIVE_INFINITY;
  #lastLookAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly namespace: Pick<Namespace, "sockets">,
    private readonly now: () => number = Date.now,
  ) {}

  /** A socket was admitted: it is closed at `sessionExpiresAt` (at once, on the next turn, if that has passed or is not a number). */
  watch(sessionExpiresAt: number): void {
    const at = Number.isNaN(sessionExpiresAt) ? Number.NEGATIVE_INFINITY : sessionExpiresAt;
    if (at < this.#due) this.#setTimer(at);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#due = Number.POSITIVE_INFINITY;
  }

  #setTimer(at: number): void {
    clearTimeout(this.#timer);
    this.#due = at;
    const now = this.now();
    const wait = Math.max(0, at - now, this.#lastLookAt + MIN_GAP_MS - now);
    this.#timer = setTimeout(() => this.#closeEnded(), Math.min(wait, LONGEST_TIMER_MS));
    this.#timer.unref();
  }

  #closeEnded(): void {
    this.#timer = undefined;
    this.#due = Number.POSITIVE_INFINITY;
    const now = this.now();
    this.#lastLookAt = now;
    const ended = [];
    let next = Number.POSITIVE_INFINITY;
    for (const socket of this.namespace.sockets.values()) {
      const identity = socket.data.identity as SocketIdentity | undefined;
      if (!identity) continue;
      const at = identity.sessionExpiresAt;
      // A time that is not a number (a record without its expiry) counts as passed: close.
      if (!(at - now > 0)) ended.push(socket);
      else if (at < next) next = at;
    }
    for (const socket of ended) socket.disconnect(true);
    if (next !== Number.POSITIVE_INFINITY && next < this.#due) this.#setTimer(next);
  }
}
