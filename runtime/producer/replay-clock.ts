import type { FlightEnvelope } from '../contract/envelope.ts';

/** Between two passes of a looped file the wall clock waits this much (at 1x; scaled by the speed)... */
export const LOOP_GAP_MS = 1_000;
/**
 * ...while the published time jumps this much: longer than any window of the detector (a flight
 * ends after 300 s of silence) and than an outage of the source (60 s). A pass is a new recording,
 * not a continuation: aircraft airborne at the end of the file are not "lost" when it starts again,
 * and no machine pairs the end of one pass with the start of the next (actors/ docs: Outages).
 */
export const LOOP_TS_GAP_MS = 15 * 60_000;

/**
 * Maps recorded time to wall time and to published time. The recording's spacing is kept in the
 * published `ts` (so speeds and climb rates stay physical) and scaled by `speed` in wall time; the
 * first record is published "now". Loops continue the recorded timeline so each aircraft's ts keeps
 * increasing: the wall clock pauses LOOP_GAP_MS at a wrap, the published time jumps LOOP_TS_GAP_MS. Pure: the wall start is passed in.
 */
export class ReplayClock {
  private firstTs: number | null = null;
  /** Added to recorded ts for wall time in the current pass. */
  loopOffsetMs = 0;
  /** Added to recorded ts for published time in the current pass (jumps LOOP_TS_GAP_MS per wrap). */
  tsLoopOffsetMs = 0;
  private maxTsThisPass = Number.NEGATIVE_INFINITY;
  private minTsThisPass = Number.POSITIVE_INFINITY;

  constructor(
    private readonly wallStartMs: number,
    private readonly speed: number,
  ) {
    if (!(speed > 0)) throw new Error(`replay speed must be > 0, got ${speed}`);
  }

  /** Wall time at which a record with recorded `ts` is due. */
  dueMs(ts: number): number {
    this.firstTs ??= ts;
    this.maxTsThisPass = Math.max(this.maxTsThisPass, ts);
    this.minTsThisPass = Math.min(this.minTsThisPass, ts);
    return this.wallStartMs + (ts + this.loopOffsetMs - this.firstTs) / this.speed;
  }

  /** The envelope as published: times shifted so the first record's ts is the wall start. */
  shift(env: FlightEnvelope): FlightEnvelope {
    this.firstTs ??= env.ts;
    const d = this.wallStartMs - this.firstTs + this.tsLoopOffsetMs;
    return {
      ...env,
      ts: env.ts + d,
      last_contact: env.last_contact == null ? env.last_contact : env.last_contact + d,
      source: 'replay',
    };
  }

  /** Starts the next pass right after the last recorded fix of this one. */
  nextPass(): void {
    if (this.maxTsThisPass === Number.NEGATIVE_INFINITY) return;
    this.loopOffsetMs += this.maxTsThisPass - this.minTsThisPass + LOOP_GAP_MS;
    this.tsLoopOffsetMs += this.maxTsThisPass - this.minTsThisPass + LOOP_TS_GAP_MS;
    this.maxTsThisPass = Number.NEGATIVE_INFINITY;
    this.minTsThisPass = Number.POSITIVE_INFINITY;
  }
}
