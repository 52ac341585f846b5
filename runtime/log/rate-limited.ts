/**
 * A log line per reason at most once per `everyMs`, with how many were held back since the last
 * one: bad input from a receiver is logged without letting a stream of garbage flood the log.
 * Pure (the clock is injected); the caller writes the line.
 */
export class RateLimitedLog {
  private readonly last = new Map<string, { atMs: number; suppressed: number }>();

  constructor(
    private readonly write: (reason: string, suppressed: number, detail: Record<string, unknown>) => void,
    private readonly everyMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Logs now if this reason has not been logged in the last `everyMs`, else counts it. */
  note(reason: string, detail: Record<string, unknown> = {}): void {
    const t = this.now();
    const held = this.last.get(reason);
    if (held !== undefined && t - held.atMs < this.everyMs) {
      held.suppressed++;
      return;
    }
    if (this.last.size > 1000) this.last.clear(); // reasons are few; never grow without bound
    this.last.set(reason, { atMs: t, suppressed: 0 });
    this.write(reason, held?.suppressed ?? 0, detail);
  }
}
