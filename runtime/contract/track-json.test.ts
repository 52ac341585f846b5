import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundTrack, type Track } from './index.ts';
import { trackArb } from './track-arb.ts';
import { normalizeTrack, trackJson } from './track-json.ts';

describe('track JSON', () => {
  it('normalizeTrack rounds like the contract roundTrack (property)', () => {
    fc.assert(
      fc.property(trackArb, (t) => {
        const n = normalizeTrack(t, [...t.anomalies]);
        const r = roundTrack(structuredClone(t));
        expect(n).toEqual(r);
      }),
      { numRuns: 2000 },
    );
  });

  it('trackJson is byte-identical to JSON.stringify (property)', () => {
    fc.assert(
      fc.property(trackArb, (t) => {
        const n = normalizeTrack(t, [...t.anomalies]);
        expect(trackJson(n)).toBe(JSON.stringify(n));
      }),
      { numRuns: 5000 },
    );
  });

  it('drops fields the contract does not name', () => {
    const t = { ...normalizeTrack(fc.sample(trackArb, 1)[0], []), secret: 1 } as Track;
    expect(Object.keys(normalizeTrack(t, []))).not.toContain('secret');
  });
});
