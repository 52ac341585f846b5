import { describe, expect, it } from 'vitest';
import type { AnomalyEvent } from '../runtime/contract/index.ts';
import {
  checkAnomalyId,
  EVENT_TRAIL_AFTER_MS,
  EVENT_TRAIL_BEFORE_MS,
  EventMemory,
  eventWindow,
  MEMORY_MAX_AIRCRAFT,
  nearbyOnBoard,
  silenceWindow,
  withEventPoint,
} from './event-detail.ts';
import { icaoOf, makeTrack } from './test-tracks.ts';

const ev = (over: Partial<AnomalyEvent> = {}): AnomalyEvent => ({
  v: 1,
  id: 'go_around:a42490:1000000',
  type: 'go_around',
  phase: 'closed',
  severity: 'warning',
  icao24: 'a42490',
  callsign: 'JBU1127',
  started_at: 1_000_000,
  detected_at: 1_060_000,
  ended_at: 1_060_000,
  lat: 40.6,
  lon: -73.8,
  alt_m: 141,
  airport: 'KJFK',
  details: {},
  ...over,
});

describe('event detail', () => {
  it('checks ids, percent-decoded', () => {
    expect(checkAnomalyId('go_around%3Aa42490%3A1000000')).toEqual({
      ok: true,
      value: 'go_around:a42490:1000000',
    });
    expect(checkAnomalyId('go_around:A42490:1').ok).toBe(false);
    expect(checkAnomalyId('%E0%A4%A').ok).toBe(false);
  });

  it('the trail runs from before the start to after the end (or the detection, while open)', () => {
    expect(eventWindow(ev())).toEqual({
      fromMs: 1_000_000 - EVENT_TRAIL_BEFORE_MS,
      toMs: 1_060_000 + EVENT_TRAIL_AFTER_MS,
    });
    expect(eventWindow(ev({ ended_at: null, detected_at: 1_030_000 })).toMs).toBe(
      1_030_000 + EVENT_TRAIL_AFTER_MS,
    );
    expect(silenceWindow(ev(), 0)).toBeNull();
    expect(silenceWindow(ev({ type: 'signal_lost', ended_at: null }), 2_000_000)).toEqual({
      fromMs: 1_000_000,
      toMs: 2_000_000,
    });
  });

  it('puts the event point in the trail, in time order, once', () => {
    const pts: [number, number, number, number | null][] = [
      [995_000, 1, 1, 500],
      [1_005_000, 2, 2, 300],
    ];
    const out = withEventPoint(pts, ev());
    expect(out.map((p) => p[0])).toEqual([995_000, 1_000_000, 1_005_000]);
    expect(out[1]).toEqual([1_000_000, 40.6, -73.8, 141]);
    expect(withEventPoint(out, ev())).toEqual(out);
    // A smoothed trail point at the event's time gives way to the event's own (reported) point.
    const smoothed = withEventPoint(
      [
        [995_000, 1, 1, 500],
        [1_000_000, 40.61, -73.79, 150],
      ],
      ev(),
    );
    expect(smoothed).toEqual([
      [995_000, 1, 1, 500],
      [1_000_000, 40.6, -73.8, 141],
    ]);
  });

  it('memory keeps a trail after the aircraft left, forgets it later, and stays bounded', () => {
    const m = new EventMemory();
    const e = ev();
    m.remember(e, [[990_000, 1, 1, 1000]], makeTrack('a42490', { ts: 1_000_000 }), 1_060_000);
    m.observe(
      (id) => (id === 'a42490' ? makeTrack(id, { ts: 1_010_000, alt_m: 900 }) : undefined),
      1_070_000,
    );
    expect(m.trail('a42490', 0, 2e6)?.map((p) => p[0])).toEqual([990_000, 1_000_000, 1_010_000]);
    expect(m.last('a42490')?.alt_m).toBe(900);
    m.observe(() => undefined, 1e12);
    expect(m.trail('a42490', 0, 2e6)).toBeNull();
    for (let i = 0; i < MEMORY_MAX_AIRCRAFT + 10; i++)
      m.remember(ev({ icao24: icaoOf(i) }), undefined, undefined, 1_060_000 + i);
    expect(m.size).toBe(MEMORY_MAX_AIRCRAFT);
    expect(m.last(icaoOf(0))).toBeUndefined();
    expect(m.last(icaoOf(MEMORY_MAX_AIRCRAFT + 9))?.callsign).toBe('JBU1127');
  });

  it('nearby: other aircraft within the radius seen since the silence began', () => {
    const tracks = [
      makeTrack('aaaaa1', { lat: 40.1, lon: -73, ts: 2000 }),
      makeTrack('aaaaa2', { lat: 41, lon: -73, ts: 2000 }), // ~100 km north
      makeTrack('aaaaa3', { lat: 40.05, lon: -73, ts: 500 }), // not seen since
      makeTrack('subjec', { lat: 40, lon: -73, ts: 2000 }),
    ];
    expect(
      nearbyOnBoard(tracks, {
        icao24: 'subjec',
        lat: 40,
        lon: -73,
        radiusM: 50_000,
        fromMs: 1000,
        limit: 10,
      }),
    ).toEqual({ count: 1, icao24s: ['aaaaa1'] });
  });
});
