import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BBox, Track } from '../runtime/contract/index.ts';
import { bboxContains } from './bbox.ts';
import { FlightMirror } from './mirror.ts';
import {
  checkPlaybackQuery,
  PlaybackSession,
  type PlaybackSource,
  parsePlaybackMessage,
} from './playback.ts';
import { makeTrack } from './test-tracks.ts';

/** An in-memory history: fixes by aircraft; slice() answers as the PostGIS query does. */
class FakeHistory implements PlaybackSource {
  constructor(readonly fixes: Track[]) {}
  async slice(afterMs: number, toMs: number, bbox: BBox | null): Promise<Track[]> {
    const newest = new Map<string, Track>();
    for (const t of this.fixes) {
      if (t.ts <= afterMs || t.ts > toMs || (bbox && !bboxContains(bbox, t.lon, t.lat))) continue;
      const had = newest.get(t.icao24);
      if (!had || had.ts < t.ts) newest.set(t.icao24, t);
    }
    return [...newest.values()];
  }
}

const STALE = 10_000;

/** What the client must hold at playback time `at`: each aircraft's newest fix within STALE. */
async function expected(h: FakeHistory, at: number, bbox: BBox | null) {
  const m = new Map<string, Track>();
  for (const t of await h.slice(at - STALE, at, bbox)) m.set(t.icao24, t);
  return m;
}

describe('PlaybackSession', () => {
  it('snapshot + deltas hold exactly the newest fix per aircraft within the staleness, at every frame', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            id: fc.integer({ min: 0, max: 5 }),
            s: fc.integer({ min: 0, max: 60 }),
            lat: fc.integer({ min: 0, max: 9 }),
          }),
          { maxLength: 80 },
        ),
        fc.array(fc.integer({ min: 100, max: 4_000 }), { minLength: 1, maxLength: 30 }),
        async (raw, steps) => {
          const fixes = raw.map((r) =>
            makeTrack(`a0000${r.id}`, { ts: 1_000_000 + r.s * 1000, lat: 40 + r.lat, lon: -73 }),
          );
          const h = new FakeHistory(fixes);
          let wall = 0;
          const mirror = new FlightMirror();
          const bbox: BBox = [-74, 39, -72, 45];
          const session = new PlaybackSession(
            h,
            {
              fromMs: 1_000_000,
              toMs: 1_060_000,
              speed: 10,
              bbox,
              encoding: 'json',
              staleMs: STALE,
              maxSliceMs: 60_000,
              tickMs: 250,
            },
            (text) => mirror.apply(JSON.parse(text)),
            () => wall,
          );
          await session.start();
          for (const step of steps) {
            wall += step;
            await session.tick();
            const at = session.clockMs();
            const want = await expected(h, at, bbox);
            expect(new Set(mirror.flights.keys())).toEqual(new Set(want.keys()));
            for (const [id, t] of want) expect(mirror.flights.get(id)?.ts).toBe(t.ts);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('pause stops the clock, seek re-bases with a snapshot, the end is announced once', async () => {
    const h = new FakeHistory([
      makeTrack('a00001', { ts: 1_005_000 }),
      makeTrack('a00002', { ts: 1_050_000 }),
    ]);
    let wall = 0;
    const frames: { type: string; [k: string]: unknown }[] = [];
    const s = new PlaybackSession(
      h,
      {
        fromMs: 1_000_000,
        toMs: 1_060_000,
        speed: 2,
        bbox: null,
        encoding: 'json',
        staleMs: STALE,
        maxSliceMs: 60_000,
        tickMs: 250,
      },
      (t) => frames.push(JSON.parse(t)),
      () => wall,
    );
    await s.start();
    expect(frames.map((f) => f.type)).toEqual(['playback', 'snapshot']);
    wall = 3_000;
    await s.tick();
    expect(frames.at(-1)).toMatchObject({ type: 'delta', seq: 1, ts: 1_006_000 });
    await s.control({ type: 'pause' });
    await s.tick();
    wall = 100_000;
    await s.tick();
    expect(s.clockMs()).toBe(1_006_000);
    await s.control({ type: 'seek', ts: 1_055_000 });
    await s.tick();
    const snap = frames.findLast((f) => f.type === 'snapshot') as unknown as {
      ts: number;
      seq: number;
      flights: Track[];
    };
    expect(snap.ts).toBe(1_055_000);
    expect(snap.seq).toBe(1);
    expect(snap.flights.map((t) => t.icao24)).toEqual(['a00002']);
    await s.control({ type: 'play' });
    await s.tick();
    wall += 10_000;
    await s.tick();
    await s.tick();
    const ended = frames.filter((f) => f.type === 'playback' && f.ended === true);
    expect(ended).toHaveLength(1);
    expect(s.clockMs()).toBe(1_060_000);
  });

  it('a clock far ahead of the last frame (a slow database) shows the newest slice, not all rows since', async () => {
    const h = new FakeHistory([
      makeTrack('a00001', { ts: 1_010_000 }),
      makeTrack('a00002', { ts: 1_098_000 }),
    ]);
    const asked: [number, number][] = [];
    const source = {
      slice: (a: number, b: number, box: BBox | null) => {
        asked.push([a, b]);
        return h.slice(a, b, box);
      },
    };
    let wall = 0;
    const frames: { type: string; [k: string]: unknown }[] = [];
    const s = new PlaybackSession(
      source,
      {
        fromMs: 1_000_000,
        toMs: 1_200_000,
        speed: 1,
        bbox: null,
        encoding: 'json',
        staleMs: STALE,
        maxSliceMs: 5_000,
        tickMs: 250,
      },
      (t) => frames.push(JSON.parse(t)),
      () => wall,
    );
    await s.start();
    wall = 100_000;
    await s.tick();
    expect(asked.at(-1)).toEqual([1_095_000, 1_100_000]);
    const d = frames.at(-1) as unknown as { type: string; upserts: Track[] };
    expect(d.type).toBe('delta');
    expect(d.upserts.map((t) => t.icao24)).toEqual(['a00002']);
  });

  it('compact encoding sends FULL rows that decode to the same Tracks', async () => {
    const t = makeTrack('a00001', { ts: 1_005_000 });
    const frames: string[] = [];
    const s = new PlaybackSession(
      new FakeHistory([t]),
      {
        fromMs: 1_000_000,
        toMs: 1_060_000,
        atMs: 1_010_000,
        speed: 1,
        bbox: null,
        encoding: 'compact',
        staleMs: STALE,
        maxSliceMs: 60_000,
        tickMs: 250,
      },
      (x) => frames.push(x),
      () => 0,
    );
    await s.start();
    const { CompactMirror } = await import('./mirror.ts');
    const m = new CompactMirror();
    for (const f of frames) m.apply(JSON.parse(f));
    expect(m.flights.get('a00001')).toEqual(t);
  });
});

describe('playback messages and query', () => {
  it('parses the controls and names what is wrong', () => {
    expect(parsePlaybackMessage('{"type":"pause"}')).toEqual({ type: 'pause' });
    expect(parsePlaybackMessage('{"type":"play","speed":10}')).toEqual({ type: 'play', speed: 10 });
    expect(parsePlaybackMessage('{"type":"seek","ts":5}')).toEqual({ type: 'seek', ts: 5 });
    expect(parsePlaybackMessage('{"type":"subscribe","bbox":[-74,40,-73,41]}')).toEqual({
      type: 'subscribe',
      bbox: [-74, 40, -73, 41],
    });
    expect(parsePlaybackMessage('{"type":"play","speed":0.5}')).toMatch(/speed/);
    expect(parsePlaybackMessage('{"type":"seek","ts":-1}')).toMatch(/ts/);
    expect(parsePlaybackMessage('{"type":"rewind"}')).toMatch(/type must be/);
    expect(parsePlaybackMessage('nope')).toMatch(/JSON/);
  });

  it('defaults to the last hour at 1x and refuses bad values', () => {
    const now = 10_000_000;
    expect(checkPlaybackQuery({}, now, 7 * 86_400_000)).toEqual({
      ok: true,
      value: { fromMs: now - 3_600_000, toMs: now, atMs: now - 3_600_000, speed: 1, paused: false },
    });
    expect(checkPlaybackQuery({ from: '5', to: '4' }, now, 1e9).ok).toBe(false);
    expect(checkPlaybackQuery({ speed: '61' }, now, 1e9).ok).toBe(false);
    expect(checkPlaybackQuery({ speed: 'x' }, now, 1e9).ok).toBe(false);
    expect(checkPlaybackQuery({ from: '0', to: String(now) }, now, 1000).ok).toBe(false);
    const v = checkPlaybackQuery({ from: '100', to: '200', at: '500', speed: '10', paused: '1' }, now, 1e9);
    expect(v).toEqual({ ok: true, value: { fromMs: 100, toMs: 200, atMs: 200, speed: 10, paused: true } });
  });
});
