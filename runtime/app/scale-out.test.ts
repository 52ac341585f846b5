import { describe, expect, it } from 'vitest';
import { valueText } from '../bus/bus.ts';
import { EmbeddedBus } from '../bus/embedded/embedded-bus.ts';
import type { AnomalyEvent } from '../contract/anomaly.ts';
import type { Track } from '../contract/track.ts';
import { BusAnomalySink, fanoutAnomalySink } from './bus-anomaly-sink.ts';
import { TrackPublisher } from './track-publisher.ts';
import { startTracksFeed } from './tracks-feed.ts';

const track = (icao24: string, ts: number, lat = 40.5): Track => ({
  icao24,
  callsign: 'TEST1',
  lat,
  lon: -73.8,
  alt_m: 1000,
  speed_ms: 120,
  track_deg: 90,
  vrate_ms: 0,
  on_ground: false,
  squawk: null,
  ts,
  anomalies: [],
});

const event = (icao24: string, startedAt: number): AnomalyEvent => ({
  v: 1,
  id: `emergency_squawk:${icao24}:${startedAt}`,
  type: 'emergency_squawk',
  phase: 'open',
  severity: 'critical',
  icao24,
  callsign: null,
  started_at: startedAt,
  detected_at: startedAt,
  ended_at: null,
  lat: 40,
  lon: -73,
  alt_m: 1000,
  airport: null,
  details: { squawk: '7700' },
});

async function readAll(bus: EmbeddedBus, topic: string) {
  const marks = await bus.watermarks(topic);
  const total = marks.reduce((n, w) => n + (w.high - w.low), 0);
  const seen: Array<{ key: string | null; value: string | null }> = [];
  const c = await bus.consume({
    groupId: `read-${topic}-${Math.random()}`,
    topics: [topic],
    fromBeginning: true,
    async eachBatch(b) {
      for (const m of b.messages)
        seen.push({ key: m.key, value: m.value === null ? null : valueText(m.value) });
    },
  });
  for (let i = 0; i < 200 && seen.length < total; i++) await new Promise((r) => setTimeout(r, 5));
  await c.stop();
  return seen;
}

describe('BusAnomalySink', () => {
  it('publishes keyed by icao24 and is durable only once the bus acknowledged', async () => {
    const bus = new EmbeddedBus();
    const sink = new BusAnomalySink(bus, 'flights.anomalies');
    sink.emit(event('abc123', 1));
    sink.emit(event('abc124', 2));
    await sink.durable();
    const got = await readAll(bus, 'flights.anomalies');
    expect(got.map((m) => m.key).sort()).toEqual(['abc123', 'abc124']);
    expect(JSON.parse(got[0]!.value!).v).toBe(1);
    await bus.close();
  });
  it('fans out to every sink', async () => {
    const seen: string[] = [];
    const a = { emit: (e: AnomalyEvent) => seen.push(`a:${e.id}`), durable: async () => {} };
    const b = { emit: (e: AnomalyEvent) => seen.push(`b:${e.id}`), durable: async () => {} };
    fanoutAnomalySink([a, b]).emit(event('abc123', 5));
    expect(seen).toEqual(['a:emergency_squawk:abc123:5', 'b:emergency_squawk:abc123:5']);
  });
});

describe('TrackPublisher and the tracks feed (scale-out)', () => {
  it('builds the Track of an aircraft marked changed once per flush, with its latest state', async () => {
    const bus = new EmbeddedBus();
    const pub = new TrackPublisher({ bus, topic: 'flights.tracks', tickHz: 4, staleAfterS: 60 });
    let builds = 0;
    const source = {
      icao24: 'aaa003',
      boardMark: 0,
      ts: 0,
      track() {
        builds++;
        return track('aaa003', source.ts);
      },
    };
    for (let ts = 10; ts <= 14; ts++) {
      source.ts = ts;
      pub.changed(source);
    }
    await pub.flush();
    expect([builds, pub.published]).toEqual([1, 1]);
    const messages = await readAll(bus, 'flights.tracks');
    expect(messages.map((m) => JSON.parse(String(m.value)).ts)).toEqual([14]);
    await pub.close();
  });

  it('coalesces updates per tick, tombstones stale aircraft, and an edge feed rebuilds the board', async () => {
    const bus = new EmbeddedBus();
    let nowMs = 1_000_000;
    const pub = new TrackPublisher({
      bus,
      topic: 'flights.tracks',
      tickHz: 4,
      staleAfterS: 60,
      now: () => nowMs,
    });
    pub.upsert(track('aaa001', 1, 40.1));
    pub.upsert(track('aaa001', 2, 40.2));
    pub.upsert(track('aaa002', 2));
    await pub.flush();
    expect(pub.published).toBe(2); // two aircraft, one message each
    nowMs += 61_000;
    pub.upsert(track('aaa002', 3));
    await pub.flush(); // aaa001 is stale now
    expect(pub.tombstones).toBe(1);
    const messages = await readAll(bus, 'flights.tracks');
    expect(messages.filter((m) => m.value === null).map((m) => m.key)).toEqual(['aaa001']);

    const board = new Map<string, Track>();
    const anomalies: AnomalyEvent[] = [];
    const feed = await startTracksFeed({
      bus,
      topics: { tracks: 'flights.tracks', anomalies: 'flights.anomalies' },
      groupId: 'edge-test',
      board: {
        upsert: (t) => board.set(t.icao24, t),
        changed: (source) => board.set(source.icao24, source.track()),
        remove: (id) => board.delete(id),
      },
      publishAnomaly: (e) => anomalies.push(e),
      staleAfterS: 60,
      now: () => 0,
    });
    for (let i = 0; i < 200 && board.size !== 1; i++) await new Promise((r) => setTimeout(r, 5));
    expect([...board.keys()]).toEqual(['aaa002']);
    expect(board.get('aaa002')!.ts).toBe(3);
    const sink = new BusAnomalySink(bus, 'flights.anomalies');
    sink.emit(event('aaa002', 9));
    await sink.durable();
    for (let i = 0; i < 200 && anomalies.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(anomalies.map((e) => e.id)).toEqual(['emergency_squawk:aaa002:9']);
    await feed.stop();
    await pub.close();
    await bus.close();
  });
});
