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

/** An in-memory history: fixes by aircraft; frames() answers as the PostGIS query does. */
class FakeHistory implements PlaybackSource {
  /** The frame bounds of every read, in order. */
  readonly asked: number[][] = [];
  constructor(readonly fixes: Track[]) {}
  async frames(bounds: readonly number[], bbox: BBox | null): Promise<Track[][]> {
    this.asked.push([...bounds]);
    const out: Track[][] = [];
    for (let i = 0; i + 1 < bounds.length; i++) out.push(await this.slice(bounds[i], bounds[i + 1], bbox));
    return out;
  }
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
  it('snapshot + deltas hold exactly the newest fix per aircraft within the staleness, at every frame, one frame behind the clock at most', async () => {
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
            // Frames lie on a grid one tick (2.5 s at 10x) apart: the newest one the clock reached.
            const at = session.shownMs();
            const clock = session.clockMs();
            expect(at).toBeLessThanOrEqual(clock);
            expect(clock - at).toBeLessThan(clock >= 1_060_000 ? 1 : 2_500);
            expect((at - 1_000_000) % 2_500 === 0 || at === 1_060_000).toBe(true);
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
    const asked = h.asked;
    const source = h;
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
    // The read that brought the due frame: from 5 s before the clock, on the 250 ms grid.
    const read = asked.find((b) => b.indexOf(1_100_000) > 0);
    expect(read?.slice(0, 3)).toEqual([1_095_000, 1_095_250, 1_095_500]);
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

describe('PlaybackSession read-ahead', () => {
  it('reads each slice of history once, a chunk of frames per query, and sends every frame on the grid', async () => {
    const fixes: Track[] = [];
    for (let s = 0; s < 120; s++)
      for (const id of ['a00001', 'a00002']) fixes.push(makeTrack(id, { ts: 1_000_000 + s * 1000 + 10 }));
    const h = new FakeHistory(fixes);
    const asked = h.asked;
    const source = h;
    let wall = 0;
    const deltas: number[] = [];
    const s = new PlaybackSession(
      source,
      {
        fromMs: 1_000_000,
        toMs: 1_120_000,
        speed: 10,
        bbox: null,
        encoding: 'json',
        staleMs: STALE,
        maxSliceMs: 5_000,
        tickMs: 250,
        readAheadFrames: 4,
      },
      (t) => {
        const f = JSON.parse(t) as { type: string; ts: number };
        if (f.type === 'delta') deltas.push(f.ts);
      },
      () => wall,
    );
    await s.start();
    // Ticks on time: every 250 ms of wall time, 48 of them (the whole window at 10x).
    for (let i = 0; i < 48; i++) {
      wall += 250;
      await s.tick();
    }
    expect(deltas).toEqual(Array.from({ length: 48 }, (_, i) => 1_000_000 + (i + 1) * 2_500));
    const reads = asked.slice(1); // the first is the snapshot's
    for (let i = 1; i < reads.length; i++) expect(reads[i][0]).toBe(reads[i - 1].at(-1));
    expect(reads[0][0]).toBe(1_000_000);
    expect(reads.at(-1)?.at(-1)).toBe(1_120_000);
    for (const r of reads) expect(r.length - 1).toBe(4);
  });

  it('asks its scheduler to wake it when the next frame is due', async () => {
    const wakes: number[] = [];
    let wall = 1_000;
    const s = new PlaybackSession(
      new FakeHistory([makeTrack('a00001', { ts: 1_001_000 })]),
      {
        fromMs: 1_000_000,
        toMs: 1_060_000,
        speed: 4,
        bbox: null,
        encoding: 'json',
        staleMs: STALE,
        maxSliceMs: 5_000,
        tickMs: 250,
      },
      () => {},
      () => wall,
      undefined,
      (_run, delayMs) => {
        wakes.push(delayMs);
        return setTimeout(() => {}, 0);
      },
    );
    await s.start();
    expect(wakes.at(-1)).toBe(250);
    wall += 100;
    await s.tick();
    expect(wakes.at(-1)).toBe(150);
    wall += 200; // 50 ms past the first frame's time
    await s.tick();
    expect(s.shownMs()).toBe(1_001_000);
    expect(wakes.at(-1)).toBe(200);
    await s.control({ type: 'pause' });
    const n = wakes.length;
    await s.tick();
    expect(wakes.length).toBe(n);
    s.close();
  });
});
