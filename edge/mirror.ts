import { CompactDecoder } from '../runtime/contract/compact.ts';
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

/** FlightMirror for the compact encoding: decodes rows back into Tracks (compact.ts). */
export class CompactMirror {
  private readonly decoder = new CompactDecoder();
  readonly flights = this.decoder.flights;
  seq: number | null = null;
  gaps = 0;

  apply(frame: {
    type: string;
    seq?: number;
    ts?: number;
    flights?: unknown[];
    upserts?: unknown[];
    removes?: string[];
  }): void {
    if (frame.type === 'snapshot') {
      this.decoder.snapshot(frame.ts ?? 0, frame.flights ?? []);
      this.seq = frame.seq ?? null;
    } else if (frame.type === 'delta') {
      if (this.seq !== null && frame.seq !== this.seq + 1) this.gaps += 1;
      this.seq = frame.seq ?? null;
      this.decoder.delta(frame.ts ?? 0, frame.upserts ?? [], frame.removes ?? []);
    }
  }
}
