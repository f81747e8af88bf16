/**
 * What a process published and already delivered to itself, by its text, with how many copies
 * Redis will still send back (one per channel it listens to). Bounded in count and in bytes: an
 * echo lost with its connection (Redis down) would be waited for forever, so the oldest are
 * forgotten first, and a forgotten echo is delivered twice, never lost.
 */
export class AwaitedEchoes {
  private readonly copies = new Map<string, number>();
  private bytes = 0;

  constructor(
    private readonly maxTexts = 10_000,
    /** A JS string takes at most 2 bytes a character. */
    private readonly maxBytes = 16 * 1024 * 1024,
  ) {}

  expect(text: string, copies: number): void {
    if (this.copies.has(text)) this.forget(text);
    this.copies.set(text, copies);
    this.bytes += text.length * 2;
    // A Map iterates in insertion order: the first is the oldest.
    while (this.copies.size > this.maxTexts || this.bytes > this.maxBytes) this.forget(this.copies.keys().next().value as string);
  }

  /** True, and counted, when `text` is an awaited echo. */
  take(text: string): boolean {
    const left = this.copies.get(text);
    if (left === undefined) return false;
    if (left > 1) this.copies.set(text, left - 1);
    else this.forget(text);
    return true;
  }

  get size(): { texts: number; bytes: number } {
    return { texts: this.copies.size, bytes: this.bytes };
  }

  clear(): void {
    this.copies.clear();
    this.bytes = 0;
  }

  private forget(text: string): void {
    if (this.copies.delete(text)) this.bytes -= text.length * 2;
  }
}
