import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnomalyEvent, Track } from '../runtime/contract/index.ts';
import { anomalyId } from '../runtime/contract/index.ts';
import { postgisEdgeHistory } from '../runtime/db/edge-history.ts';
import { createPool } from '../runtime/db/pool.ts';
import { createTestDatabase, type TestDatabase } from '../runtime/db/test-db.ts';
import { historyRow, icao24Of } from '../sinks/history-fixtures.ts';
import { PostgisSink } from '../sinks/history-sink.ts';
import type { EventDetail } from './event-detail.ts';
import { type Edge, startEdge } from './server.ts';
import { TestClient } from './test-client.ts';
import { makeTrack } from './test-tracks.ts';

/**
 * GET /anomalies/{id} and /ws/playback against a real PostGIS (a database of its own), rows
 * written through the history sink; and the same routes without a database (memory, 503).
 */
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const SUBJECT = 'abc123';
const LOST_AT = T0 + 300_000; // the subject's last fix before its silence
const BACK_AT = LOST_AT + 120_000;

/** 10 minutes at 1 Hz: the subject (silent 2 min), 3 neighbours within 50 km, 1 far away. */
function* rows() {
  for (let s = 0; s < 600; s++) {
    const ts = T0 + s * 1000;
    if (ts <= LOST_AT || ts >= BACK_AT)
      yield historyRow({
        icao24: SUBJECT,
        callsign: 'DLH402',
        ts,
        lat: 40 + s * 0.001,
        lon: -73,
        smooth_lat: 40 + s * 0.001,
        smooth_lon: -73,
        smooth_alt_m: 11_000 - s,
        baro_alt_m: 11_000 - s,
      });
    for (let n = 0; n < 4; n++) {
      const lat = n < 3 ? 40.3 + n * 0.05 : 45;
      yield historyRow({
        icao24: icao24Of(n),
        callsign: `NB${n}`,
        ts: ts + 100 + n,
        lat,
        lon: -73.1,
        smooth_lat: lat,
        smooth_lon: -73.1,
        smooth_alt_m: 5000 + n * 100,
      });
    }
  }
}

const lostEvent: AnomalyEvent = {
  v: 1,
  id: anomalyId('signal_lost', SUBJECT, LOST_AT),
  type: 'signal_lost',
  phase: 'closed',
  severity: 'info',
  icao24: SUBJECT,
  callsign: 'DLH402',
  started_at: LOST_AT,
  detected_at: LOST_AT + 30_000,
  ended_at: BACK_AT,
  lat: 40.3,
  lon: -73,
  alt_m: 10_700,
  airport: null,
  details: { silent_s: 120 },
};

describe('event cards and playback over PostGIS', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let edge: Edge;

  beforeAll(async () => {
    db = await createTestDatabase('edge_investigate');
    const sink = new PostgisSink({ url: db.url, maintenanceEveryMs: 0, retentionDays: 100_000 }); // T0 inside the history window whatever today is
    for (const r of rows()) if (!sink.write(r)) await sink.drained();
    sink.writeAnomaly(lostEvent);
    await sink.durable();
    await sink.close();
    pool = createPool(db.url);
    edge = await startEdge({
      port: 0,
      history: postgisEdgeHistory(pool),
      now: () => T0 + 3_600_000,
      staleAfterS: 60,
      uiDir: '/nonexistent',
    });
  });

  afterAll(async () => {
    await edge?.close();
    await pool?.end();
    await db?.drop();
  });

  it('GET /anomalies/{id}: the event, its last known state, the trail around it and the neighbours', async () => {
    const res = await fetch(`${edge.url}/anomalies/${encodeURIComponent(lostEvent.id)}`);
    expect(res.status).toBe(200);
    const d = (await res.json()) as EventDetail;
    expect(d.source).toBe('postgis');
    expect(d.event.id).toBe(lostEvent.id);
    expect(d.on_board).toBe(false);
    // The newest fix in the history: s = 599.
    expect(d.last?.ts).toBe(T0 + 599_000);
    expect(d.last?.alt_m).toBe(11_000 - 599);
    expect(d.last?.callsign).toBe('DLH402');
    // Five minutes before the silence to five after it: from T0 to the end of the rows.
    const ts = d.trail.points.map((p) => p[0]);
    expect(ts[0]).toBe(T0);
    expect(ts.at(-1)).toBe(T0 + 599_000);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    // No fix inside the silence but the event's own point.
    expect(ts.filter((t) => t > LOST_AT && t < BACK_AT)).toEqual([]);
    expect(ts).toContain(LOST_AT);
    // Three neighbours within 50 km reported during the silence; the fourth is 500 km away.
    expect(d.nearby).toMatchObject({ count: 3, icao24s: [icao24Of(0), icao24Of(1), icao24Of(2)] });
  });

  it('GET /anomalies/{id}: 404 for an unknown event, 400 for a malformed id', async () => {
    expect((await fetch(`${edge.url}/anomalies/signal_lost:abc123:1`)).status).toBe(404);
    expect((await fetch(`${edge.url}/anomalies/nonsense`)).status).toBe(400);
  });

  it('GET /playback says playback is available', async () => {
    const body = (await (await fetch(`${edge.url}/playback`)).json()) as { available: boolean };
    expect(body.available).toBe(true);
  });

  it('/ws/playback: a snapshot of where history has the aircraft, deltas at 60x, removes, pause, seek', async () => {
    const at = T0 + 60_000;
    const c = await TestClient.connect(
      `ws://127.0.0.1:${edge.port}/ws/playback?from=${T0}&to=${T0 + 600_000}&at=${at}&speed=60&bbox=-74,39,-72,41`,
    );
    try {
      await c.until(() => c.last('snapshot') !== undefined, 'the snapshot');
      expect(c.frames[0]).toMatchObject({ type: 'hello', mode: 'playback' });
      const snap = c.last('snapshot') as unknown as { ts: number; flights: Track[] };
      expect(snap.ts).toBe(at);
      // In the box: the subject and the 3 neighbours (the fourth is at 45N).
      const byId = new Map(snap.flights.map((t) => [t.icao24, t]));
      expect([...byId.keys()].sort()).toEqual([SUBJECT, icao24Of(0), icao24Of(1), icao24Of(2)].sort());
      // Each at its newest fix at or before `at`, exactly as stored.
      const stored = await pool.query<{ icao24: string; lat: number; ts_ms: number }>(
        `SELECT DISTINCT ON (icao24) icao24, smooth_lat AS lat, (extract(epoch FROM ts) * 1000)::float8 AS ts_ms
         FROM flights_history WHERE ts <= to_timestamp($1::float8 / 1000) ORDER BY icao24, ts DESC`,
        [at],
      );
      for (const r of stored.rows) {
        if (!byId.has(r.icao24)) continue;
        expect(byId.get(r.icao24)?.lat).toBeCloseTo(r.lat, 5);
        expect(byId.get(r.icao24)?.ts).toBe(r.ts_ms);
      }
      // Deltas advance playback time; the subject leaves during its silence (stale after 60 s).
      await c.until(
        () => c.frames.some((f) => f.type === 'delta' && (f.removes as string[]).includes(SUBJECT)),
        'the subject removed during its silence',
        15_000,
      );
      const removal = c.frames.find((f) => f.type === 'delta' && (f.removes as string[]).includes(SUBJECT));
      // Removed at the first frame 60 s (the staleness) after its last fix: frames lie on a grid
      // 15 s of playback time apart at 60x, and LOST_AT + 60 s is on it.
      expect(removal?.ts as number).toBeGreaterThanOrEqual(LOST_AT + 60_000);
      expect(removal?.ts as number).toBeLessThan(LOST_AT + 60_000 + 15_000);
      expect(removal?.ts as number).toBeLessThan(BACK_AT);
      const seqs = c.frames.filter((f) => f.type === 'delta').map((f) => f.seq as number);
      expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
      // Pause: no more deltas; the status says paused.
      c.send({ type: 'pause' });
      await c.until(
        () => (c.last('playback') as { paused?: boolean } | undefined)?.paused === true,
        'paused',
      );
      const n = c.frames.length;
      await new Promise((r) => setTimeout(r, 800));
      expect(c.frames.slice(n).filter((f) => f.type === 'delta')).toEqual([]);
      // Seek back into the silence: a new snapshot without the subject.
      const into = LOST_AT + 90_000;
      c.send({ type: 'seek', ts: into });
      await c.until(
        () => (c.last('snapshot') as { ts?: number } | undefined)?.ts === into,
        'the seek snapshot',
      );
      const ids = (c.last('snapshot') as unknown as { flights: Track[] }).flights.map((t) => t.icao24);
      expect(ids).not.toContain(SUBJECT);
      expect(ids).toHaveLength(3);
      c.send({ type: 'play', speed: 61 });
      await c.until(() => c.last('error') !== undefined, 'an error for speed 61');
    } finally {
      c.close();
    }
  });

  it('/ws/playback plays to the end of the window and says so', async () => {
    const c = await TestClient.connect(
      `ws://127.0.0.1:${edge.port}/ws/playback?from=${T0 + 540_000}&to=${T0 + 560_000}&speed=60`,
    );
    try {
      await c.until(
        () => (c.last('playback') as { ended?: boolean } | undefined)?.ended === true,
        'ended',
        10_000,
      );
      expect(c.last('delta')?.ts).toBe(T0 + 560_000);
    } finally {
      c.close();
    }
  });
});

describe('without a database', () => {
  let edge: Edge;
  const clock = { ms: T0 };
  beforeAll(async () => {
    edge = await startEdge({
      port: 0,
      now: () => clock.ms,
      autoTick: false,
      staleAfterS: 60,
      uiDir: '/nonexistent',
    });
  });
  afterAll(async () => {
    await edge?.close();
  });

  it('playback is unavailable with the reason; the WS upgrade is a 503', async () => {
    const body = (await (await fetch(`${edge.url}/playback`)).json()) as {
      available: boolean;
      reason: string;
    };
    expect(body).toEqual({ available: false, reason: expect.stringMatching(/DATABASE_URL/) });
    await expect(TestClient.connect(`ws://127.0.0.1:${edge.port}/ws/playback`)).rejects.toThrow(/503/);
  });

  it('an event card keeps the trail and last state of an aircraft that has left the board', async () => {
    for (let s = 0; s <= 120; s += 5) {
      clock.ms = T0 + s * 1000;
      edge.board.upsert(makeTrack(SUBJECT, { ts: clock.ms, alt_m: 9000 - s * 10, lat: 40 + s * 0.001 }));
      edge.tick();
    }
    const ev: AnomalyEvent = {
      ...lostEvent,
      phase: 'open',
      started_at: T0 + 120_000,
      detected_at: T0 + 150_000,
      ended_at: null,
      alt_m: 9000 - 1200,
    };
    clock.ms = T0 + 150_000;
    edge.publishAnomaly(ev);
    edge.tick();
    clock.ms = T0 + 400_000; // stale: the aircraft leaves the board
    edge.tick();
    expect(edge.board.get(SUBJECT)).toBeUndefined();
    const d = (await (
      await fetch(`${edge.url}/anomalies/${encodeURIComponent(ev.id)}`)
    ).json()) as EventDetail;
    expect(d.source).toBe('memory');
    expect(d.on_board).toBe(false);
    expect(d.last?.alt_m).toBe(9000 - 1200);
    expect(d.last?.ts).toBe(T0 + 120_000);
    expect(d.trail.points.length).toBeGreaterThan(20);
    expect(d.trail.points[0][0]).toBe(T0);
  });
});
