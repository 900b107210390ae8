// Minimum spacing between calls of one operation. Calls queue in order; the first
// call of a key never waits, so runs that make one such call pay nothing.
export class RateLimiter {
  private readonly next = new Map<string, number>();

  constructor(
    /** Minimum milliseconds between two calls, by key. Keys not listed are unlimited. */
    private readonly intervals: Record<string, number>,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async wait(key: string): Promise<void> {
    const interval = this.intervals[key];
    if (interval === undefined) return;
    const now = this.now();
    const slot = Math.max(now, this.next.get(key) ?? 0);
    this.next.set(key, slot + interval);
    if (slot > now) await this.sleep(slot - now);
  }
}
