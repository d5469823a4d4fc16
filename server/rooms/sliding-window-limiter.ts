/**
 * Per-visitor rate limit (chat lines, emotes): at most `max` events in any `windowMs` (a sliding log of
 * event times).
 * `now` is passed in so the room's clock drives it and tests need no real waiting.
 */
export class SlidingWindowLimiter {
  private readonly sent = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Records an event and returns 0, or returns how many ms until one more is allowed (nothing recorded). */
  take(sessionId: string, now: number): number {
    let times = this.sent.get(sessionId);
    if (!times) {
      times = [];
      this.sent.set(sessionId, times);
    }
    while (times.length > 0 && times[0]! <= now - this.windowMs) times.shift();
    if (times.length >= this.max) return times[0]! + this.windowMs - now;
    times.push(now);
    return 0;
  }

  forget(sessionId: string): void {
    this.sent.delete(sessionId);
  }
}
