import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anomalyFrame, deltaFrame, errorFrame, helloFrame, snapshotFrame } from './frames.ts';
import { icaoOf, makeTrack } from './test-tracks.ts';

describe('frames', () => {
  it('hello, error and anomaly frames match the contract', () => {
    expect(JSON.parse(helloFrame(4, 123))).toEqual({
      type: 'hello',
      protocol: 1,
      tick_hz: 4,
      server_time: 123,
    });
    expect(JSON.parse(errorFrame('bad "thing"\n'))).toEqual({ type: 'error', message: 'bad "thing"\n' });
    const event = {
      v: 1 as const,
      id: 'go_around:abc123:1',
      type: 'go_around' as const,
      phase: 'closed' as const,
      severity: 'warning' as const,
      icao24: 'abc123',
      callsign: null,
      started_at: 1,
      detected_at: 2,
      ended_at: 2,
      lat: 1,
      lon: 2,
      alt_m: null,
      airport: 'KJFK',
      details: { min_height_m: 120 },
    };
    expect(JSON.parse(anomalyFrame(event))).toEqual({ type: 'anomaly', event });
  });

  it('snapshot and delta frames built from pre-serialized tracks equal JSON.stringify of the frame (property)', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.nat(),
        fc.uniqueArray(fc.nat(5000), { maxLength: 20 }),
        fc.uniqueArray(fc.nat(5000), { maxLength: 20 }),
        (seq, ts, ups, rms) => {
          const tracks = ups.map((n) => makeTrack(icaoOf(n), { callsign: n % 2 ? null : `C"${n}` }));
          const removes = rms.map(icaoOf);
          const jsons = tracks.map((t) => JSON.stringify(t));
          expect(deltaFrame(seq, ts, jsons, removes)).toBe(
            JSON.stringify({ type: 'delta', seq, ts, upserts: tracks, removes }),
          );
          expect(snapshotFrame(seq, ts, jsons)).toBe(
            JSON.stringify({ type: 'snapshot', seq, ts, flights: tracks }),
          );
        },
      ),
    );
  });
});
