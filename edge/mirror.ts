import type { Track } from '../runtime/contract/index.ts';

/**
 * What a client holds: applies snapshot and delta frames in order (upserts replace, removes
 * delete). Used by the tests and the benchmark; the UI does the same.
 */
export class FlightMirror {
  readonly flights = new Map<string, Track>();
  seq: number | null = null;
  gaps = 0;

  apply(frame: {
    type: string;
    seq?: number;
    flights?: Track[];
    upserts?: Track[];
    removes?: string[];
  }): void {
    if (frame.type === 'snapshot') {
      this.flights.clear();
      for (const t of frame.flights ?? []) this.flights.set(t.icao24, t);
      this.seq = frame.seq ?? null;
    } else if (frame.type === 'delta') {
      if (this.seq !== null && frame.seq !== this.seq + 1) this.gaps += 1;
      this.seq = frame.seq ?? null;
      for (const t of frame.upserts ?? []) this.flights.set(t.icao24, t);
      for (const id of frame.removes ?? []) this.flights.delete(id);
    }
  }
}
