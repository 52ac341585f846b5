import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anomalyEvent, historyRow } from '../../sinks/history-fixtures.ts';
import { PostgisSink } from '../../sinks/history-sink.ts';
import { PLAYBACK_PG_SETTINGS, queryPlaybackFrames } from './playback-queries.ts';
import { createPool } from './pool.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

/**
 * queryPlaybackFrames against a real PostGIS (rows written through the history sink): which frame
 * a fix falls in (a fix exactly on a bound closes the slice before it), the newest per aircraft per
 * frame whatever order the rows lie in, the box (across the antimeridian too), the anomaly marks.
 */
const T0 = Date.UTC(2026, 10, 21, 8, 0, 0);

describe('queryPlaybackFrames', () => {
  let db: TestDatabase;
  let pool: ReturnType<typeof createPool>;

  beforeAll(async () => {
    db = await createTestDatabase('playback_queries');
    const sink = new PostgisSink({ url: db.url, maintenanceEveryMs: 0, retentionDays: 100_000 });
    const fix = (icao24: string, dtMs: number, lon: number, lat = 40) =>
      sink.write(historyRow({ icao24, ts: T0 + dtMs, lon, lat, smooth_lon: lon, smooth_lat: lat }));
    // Written newest first, so the rows do not lie in ts order on disk.
    fix('a00001', 2_000, -73.5); // on the bound between frame 0 and 1: frame 0
    fix('a00001', 1_500, -73.4);
    fix('a00001', 1_000, -73.3);
    fix('a00001', 2_001, -73.6); // frame 1
    fix('a00002', 3_999, 179.5); // east of the antimeridian, frame 1
    fix('a00002', 3_000, 179.4);
    fix('a00003', 3_500, -179.5); // west of it, frame 1
    fix('a00004', 0, 10); // on the first bound: before the chunk
    fix('a00004', 4_001, 10); // after the chunk
    sink.writeAnomaly(anomalyEvent({ icao24: 'a00002', type: 'emergency_squawk', started_at: T0 - 60_000 }));
    await sink.durable();
    await sink.close();
    pool = createPool(db.url, { settings: PLAYBACK_PG_SETTINGS });
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const bounds = [T0, T0 + 2_000, T0 + 4_000];
  const summary = (frames: Awaited<ReturnType<typeof queryPlaybackFrames>>) =>
    frames.map((f) =>
      f
        .map(
          (t) => `${t.icao24}@${t.ts - T0}:${t.lon}${t.anomalies.length ? `:${t.anomalies.join('+')}` : ''}`,
        )
        .sort(),
    );

  it('gives each aircraft its newest fix in each slice, a fix on a bound in the slice it closes', async () => {
    expect(summary(await queryPlaybackFrames(pool, bounds, null))).toEqual([
      ['a00001@2000:-73.5'],
      ['a00001@2001:-73.6', 'a00002@3999:179.5:emergency_squawk', 'a00003@3500:-179.5'],
    ]);
  });

  it('keeps to the box, across the antimeridian too', async () => {
    expect(summary(await queryPlaybackFrames(pool, bounds, [-74, 39, -73, 41]))).toEqual([
      ['a00001@2000:-73.5'],
      ['a00001@2001:-73.6'],
    ]);
    expect(summary(await queryPlaybackFrames(pool, bounds, [179, 39, -179, 41]))).toEqual([
      [],
      ['a00002@3999:179.5:emergency_squawk', 'a00003@3500:-179.5'],
    ]);
  });

  it('returns empty frames for a slice without rows, on a pooled client or a single one', async () => {
    expect(await queryPlaybackFrames(pool, [T0 + 10_000, T0 + 20_000], null)).toEqual([[]]);
    const c = await pool.connect();
    try {
      expect(summary(await queryPlaybackFrames(c, bounds, null))[0]).toEqual(['a00001@2000:-73.5']);
    } finally {
      c.release();
    }
    await expect(queryPlaybackFrames(pool, [T0 + 1, T0], null)).rejects.toThrow(/increase/);
  });
});
