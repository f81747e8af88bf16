import type { Logger } from "./logger";

/**
 * A warning that may happen thousands of times a second (refused handshakes in a flood) is
 * written at most `perSecond` times a second; each written line says how many were left out
 * since the last one, so nothing is hidden, and a flood cannot fill the disk or the log pipeline.
 */
export class SampledLog {
  private windowStart = 0;
  private written = 0;
  private suppressed = 0;

  constructor(
    private readonly log: Logger,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  warn(fields: Record<string, unknown>, message: string): void {
    const at = this.now();
    if (at - this.windowStart >= 1_000) {
      this.windowStart = at;
      this.written = 0;
    }
    if (this.written >= this.perSecond) {
      this.suppressed += 1;
      return;
    }
    this.written += 1;
    const suppressed = this.suppressed;
    this.suppressed = 0;
    this.log.warn(suppressed > 0 ? { ...fields, suppressed } : fields, message);
  }
}
