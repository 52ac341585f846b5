import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnomalyBacklog, AnomalyEvent, Track } from '../runtime/contract/index.ts';
import { bboxContains } from './bbox.ts';
import { type Edge, startEdge } from './server.ts';
import { TestClient } from './test-client.ts';
import { icaoOf, makeTrack } from './test-tracks.ts';

/** Real edge on an ephemeral port, real `ws` clients; the clock and the ticks are driven by the test. */
const clock = { ms: 1_700_000_000_000 };
let edge: Edge;
let wsUrl: string;
const uiDir = mkdtempSync(join(tmpdir(), 'edge-ui-'));
const airportsFile = join(uiDir, 'airports.geojson');

beforeAll(async () => {
  mkdirSync(join(uiDir, 'dist', 'assets'), { recursive: true });
  writeFileSync(join(uiDir, 'dist', 'index.html'), '<!doctype html><title>ui</title>');
  writeFileSync(join(uiDir, 'dist', 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(
    airportsFile,
    JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [-73.78, 40.64] },
          properties: { ident: 'KJFK' },
        },
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [2.55, 49.01] },
          properties: { ident: 'LFPG' },
        },
      ],
    }),
  );
  edge = await startEdge({
    port: 0,
    now: () => clock.ms,
    autoTick: false,
    staleAfterS: 60,
    uiDir: join(uiDir, 'dist'),
    airportsFile,
    readiness: { bus: () => true },
    status: { feed: () => ({ state: 'live' }) },
  });
  wsUrl = `ws://127.0.0.1:${edge.port}/ws/flights`;
});

afterAll(async () => {
  await edge.close();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${edge.url}${path}`, { headers });

async function boardViaHttp(bbox?: string): Promise<Map<string, Track>> {
  const body = (await (await get(`/flights${bbox ? `?bbox=${bbox}` : ''}`)).json()) as {
    flights: Track[];
    count: number;
  };
  expect(body.count).toBe(body.flights.length);
  return new Map(body.flights.map((t) => [t.icao24, t]));
}

/** Ticks and waits until every client has seen the delta (or nothing was due). */
async function tickAndWait(clients: TestClient[]): Promise<void> {
  edge.tick();
  for (const c of clients) {
    const group = [...edge.fanout.groups.all()].find((g) => g.key === c.key);
    if (group === undefined) throw new Error(`no group ${c.key}`);
    await c.until(() => c.mirror.seq === group.seq, `client in ${c.key} to reach seq ${group.seq}`);
  }
}

let seed = 42;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};

describe('edge over real WebSockets', () => {
  it('hello, snapshot, then deltas that applied in order reproduce GET /flights exactly', async () => {
    for (let i = 0; i < 150; i++)
      edge.board.upsert(makeTrack(icaoOf(i), { lon: rand() * 360 - 180, lat: rand() * 160 - 80 }));
    edge.tick();
    const client = await TestClient.connect(wsUrl);
    await client.until(() => client.last('snapshot') !== undefined, 'snapshot');
    expect(client.frames[0]).toMatchObject({ type: 'hello', protocol: 1, tick_hz: 4, server_time: clock.ms });
    expect(client.mirror.flights.size).toBe(150);
    for (let round = 0; round < 30; round++) {
      for (let k = 0; k < 20; k++) {
        const id = icaoOf(Math.floor(rand() * 200));
        if (rand() < 0.2) edge.board.remove(id);
        else
          edge.board.upsert(
            makeTrack(id, { lon: rand() * 360 - 180, lat: rand() * 160 - 80, ts: clock.ms + round }),
          );
      }
      clock.ms += 250;
      await tickAndWait([client]);
    }
    expect(client.mirror.gaps).toBe(0);
    expect(client.mirror.flights).toEqual(await boardViaHttp());
    client.close();
  });

  it('compact encoding (?encoding=compact): snapshot then deltas reproduce GET /flights exactly, next to a JSON client', async () => {
    const json = await TestClient.connect(wsUrl);
    const compact = await TestClient.connect(`${wsUrl}?encoding=compact`);
    const boxUrl = `${wsUrl}?bbox=-60,-40,60,40&encoding=compact`;
    const boxed = await TestClient.connect(boxUrl);
    boxed.key = '-60,-40,60,40';
    for (const c of [json, compact, boxed]) await c.until(() => c.last('snapshot') !== undefined, 'snapshot');
    expect(compact.frames[0]).toMatchObject({ type: 'hello', protocol: 1, encoding: 'compact' });
    expect(json.frames[0]).not.toHaveProperty('encoding');
    expect(Array.isArray((compact.last('snapshot') as unknown as { flights: unknown[] }).flights[0])).toBe(
      true,
    );
    for (let round = 0; round < 30; round++) {
      for (let k = 0; k < 20; k++) {
        const id = icaoOf(Math.floor(rand() * 200));
        const r = rand();
        if (r < 0.1) edge.board.remove(id);
        else if (r < 0.2)
          // Open-anomaly marks change Track.anomalies (the log itself is another test's).
          edge.board.setMarks(id, new Set(rand() < 0.5 ? (['emergency_squawk'] as const) : []));
        else
          edge.board.upsert(
            makeTrack(id, {
              lon: rand() * 360 - 180,
              lat: rand() * 160 - 80,
              alt_m: rand() < 0.2 ? null : Math.round(rand() * 12000),
              squawk: rand() < 0.1 ? '7700' : '1200',
              ts: clock.ms + round,
              ...(rand() < 0.3 ? { origin_country: 'Iceland' } : {}),
            }),
          );
      }
      clock.ms += 250;
      await tickAndWait([json, compact, boxed]);
    }
    for (const c of [json, compact, boxed]) expect(c.mirror.gaps).toBe(0);
    expect(compact.mirror.flights).toEqual(await boardViaHttp());
    expect(compact.mirror.flights).toEqual(json.mirror.flights);
    expect(boxed.mirror.flights).toEqual(await boardViaHttp('-60,-40,60,40'));
    // A compact client that joins late starts from the same state.
    const late = await TestClient.connect(`${wsUrl}?encoding=compact`);
    await late.until(() => late.last('snapshot') !== undefined, 'late snapshot');
    expect(late.mirror.flights).toEqual(compact.mirror.flights);
    await expect(TestClient.connect(`${wsUrl}?encoding=xml`)).rejects.toThrow('HTTP 400');
    for (const c of [json, compact, boxed, late]) c.close();
  });

  it('stale aircraft arrive in removes', async () => {
    const client = await TestClient.connect(wsUrl);
    await client.until(() => client.last('snapshot') !== undefined, 'snapshot');
    const before = [...client.mirror.flights.keys()];
    expect(before.length).toBeGreaterThan(100);
    clock.ms += 30_000;
    edge.board.upsert(makeTrack('fffff0'));
    await tickAndWait([client]);
    expect(client.mirror.flights.has('fffff0')).toBe(true);
    clock.ms += 31_000; // everything else is now older than 60 s
    await tickAndWait([client]);
    const delta = client.last('delta') as unknown as { removes: string[] };
    expect(delta.removes.sort()).toEqual(before.sort());
    expect(client.mirror.flights.has('fffff0')).toBe(true);
    expect([...client.mirror.flights.keys()]).toEqual(['fffff0']);
    expect(client.mirror.flights).toEqual(await boardViaHttp());
    client.close();
  });

  it('a bbox subscription sees only its box, and aircraft leaving it in removes', async () => {
    const box = [-10, -10, 10, 10] as const;
    const client = await TestClient.connect(wsUrl);
    await client.until(() => client.last('snapshot') !== undefined, 'world snapshot');
    edge.board.upsert(makeTrack('b00001', { lon: 0, lat: 0 }));
    edge.board.upsert(makeTrack('b00002', { lon: 50, lat: 0 }));
    edge.tick();
    const snapshots = client.frames.filter((f) => f.type === 'snapshot').length;
    client.send({ type: 'subscribe', bbox: box });
    await client.until(
      () => client.frames.filter((f) => f.type === 'snapshot').length > snapshots,
      'box snapshot',
    );
    client.key = box.join(',');
    expect([...client.mirror.flights.keys()]).toEqual(['b00001']);
    edge.board.upsert(makeTrack('b00003', { lon: 5, lat: 5 }));
    edge.board.upsert(makeTrack('b00002', { lon: 51, lat: 0, ts: 2 }));
    await tickAndWait([client]);
    edge.board.upsert(makeTrack('b00001', { lon: 20, lat: 0, ts: 3 }));
    await tickAndWait([client]);
    expect((client.last('delta') as unknown as { removes: string[] }).removes).toEqual(['b00001']);
    for (const f of client.frames.filter((x) => x.type === 'delta' && (x.seq ?? 0) > 0).slice(-2)) {
      for (const t of (f as unknown as { upserts: Track[] }).upserts)
        expect(bboxContains([...box], t.lon, t.lat)).toBe(true);
    }
    expect(client.mirror.flights).toEqual(await boardViaHttp(box.join(',')));
    const direct = await TestClient.connect(`${wsUrl}?bbox=${box.join(',')}`);
    await direct.until(() => direct.last('snapshot') !== undefined, 'snapshot of the URL box');
    expect(direct.mirror.flights).toEqual(client.mirror.flights);
    direct.close();
    await expect(TestClient.connect(`${wsUrl}?bbox=1,2,3`)).rejects.toThrow('HTTP 400');
    client.send({ type: 'resync' });
    const n = client.frames.length;
    await client.until(() => client.frames.length > n, 'resync snapshot');
    expect(client.frames[n].type).toBe('snapshot');
    client.close();
  });

  it('anomaly frames are broadcast, kept for GET /anomalies and marked on the Track while open', async () => {
    const client = await TestClient.connect(wsUrl);
    await client.until(() => client.last('snapshot') !== undefined, 'snapshot');
    edge.board.upsert(makeTrack('a77700', { squawk: '7700' }));
    const event: AnomalyEvent = {
      v: 1,
      id: `emergency_squawk:a77700:${clock.ms}`,
      type: 'emergency_squawk',
      phase: 'open',
      severity: 'critical',
      icao24: 'a77700',
      callsign: 'TEST123',
      started_at: clock.ms,
      detected_at: clock.ms,
      ended_at: null,
      lat: 40.5,
      lon: -73.5,
      alt_m: 3000,
      airport: null,
      details: { squawk: '7700' },
    };
    edge.publishAnomaly(event);
    edge.publishAnomaly(event); // re-delivered: shown once
    await client.until(() => client.last('anomaly') !== undefined, 'anomaly frame');
    const frame = client.last('anomaly') as { type: 'anomaly'; event: AnomalyEvent; cursor: number };
    expect(frame).toEqual({ type: 'anomaly', event, cursor: frame.cursor });
    expect(frame.cursor).toBeGreaterThan(0);
    // The backlog after the cursor before it: this event, open; from its own cursor: nothing.
    const instance = (client.frames[0] as unknown as { instance: string }).instance;
    expect(instance).toMatch(/^[0-9a-f-]{36}$/);
    const backlog = async (after: number) =>
      (await (await get(`/anomalies?after=${after}`)).json()) as AnomalyBacklog;
    expect(await backlog(frame.cursor - 1)).toMatchObject({
      instance,
      cursor: frame.cursor,
      more: false,
      truncated: false,
      anomalies: [event],
    });
    expect((await backlog(frame.cursor - 1)).open.filter((e) => e.icao24 === 'a77700')).toEqual([event]);
    expect((await backlog(frame.cursor)).anomalies).toEqual([]);
    const flight = (await (await get('/flights/a77700')).json()) as { flight: Track };
    expect(flight.flight.anomalies).toEqual(['emergency_squawk']);
    const list = (await (await get('/anomalies?type=emergency_squawk&limit=5')).json()) as {
      anomalies: AnomalyEvent[];
    };
    expect(list.anomalies).toEqual([event]);
    expect(((await (await get('/anomalies?type=go_around')).json()) as { anomalies: [] }).anomalies).toEqual(
      [],
    );
    edge.publishAnomaly({ ...event, phase: 'closed', ended_at: clock.ms + 1 });
    expect(((await (await get('/flights/a77700')).json()) as { flight: Track }).flight.anomalies).toEqual([]);
    await client.until(() => client.frames.filter((f) => f.type === 'anomaly').length === 2, 'closed event');
    expect(
      client.frames.filter((f) => f.type === 'anomaly').map((f) => (f.event as AnomalyEvent).phase),
    ).toEqual(['open', 'closed']);
    const after = await backlog(frame.cursor);
    expect(after.anomalies.map((e) => e.phase)).toEqual(['closed']);
    expect(after.cursor).toBe(frame.cursor + 1);
    expect(after.open.filter((e) => e.icao24 === 'a77700')).toEqual([]);
    client.close();
  });

  it('bad client messages get error frames; over 4 KiB and floods close the socket', async () => {
    const client = await TestClient.connect(wsUrl);
    await client.until(() => client.last('snapshot') !== undefined, 'snapshot');
    const bad = [
      'not json',
      '[1]',
      '{"type":"dance"}',
      '{"type":"subscribe"}',
      '{"type":"subscribe","bbox":[1,2,3]}',
      '{"type":"subscribe","bbox":[0,10,5,5]}',
    ];
    for (const m of bad) client.send(m);
    await client.until(
      () => client.frames.filter((f) => f.type === 'error').length === bad.length,
      'error frames',
    );
    const messages = client.frames.filter((f) => f.type === 'error').map((f) => f.message);
    expect(messages).toEqual([
      'message is not JSON',
      'message must be a JSON object',
      'type must be "subscribe" or "resync"',
      'subscribe needs bbox: [w, s, e, n] or null',
      'bbox needs 4 numbers: w,s,e,n',
      'bbox south must be below north',
    ]);
    client.send(JSON.stringify({ type: 'resync', pad: 'x'.repeat(5000) }));
    await client.until(() => client.closeCode !== null, 'close on a big message');
    expect(client.closeCode).not.toBe(1000);

    const flooder = await TestClient.connect(wsUrl);
    for (let i = 0; i < 200; i++) flooder.send({ type: 'subscribe', bbox: [i % 90, 0, (i % 90) + 1, 1] });
    await flooder.until(() => flooder.closeCode !== null, 'close on a flood');
    expect(flooder.closeCode).toBe(1008);
    expect(edge.fanout.groups.size).toBeLessThan(30);
    expect((await get('/healthz')).status).toBe(200);
  });

  it('every bad parameter gets a 400 with a JSON reason', async () => {
    const bad = [
      '/flights?bbox=1,2,3',
      '/flights?bbox=a,b,c,d',
      '/flights?bbox=0,50,10,40',
      '/flights?bbox=-200,0,10,10',
      '/flights?bbbox=1,2,3,4',
      '/flights?bbox=1,2,3,4&bbox=1,2,3,4',
      '/flights/ABCDEF',
      '/flights/abc',
      '/flights/zzzzzz',
      '/anomalies?since=yesterday',
      '/anomalies?type=ufo',
      '/anomalies?limit=0',
      '/anomalies?limit=99999',
      '/anomalies?after=x',
      '/anomalies?after=1&since=2',
      '/history/xyz?from=1&to=2',
      '/history/abc123?from=5&to=1',
      '/history/abc123?from=x',
      '/airports?bbox=1,1,1,1',
      '/flights?bbox=%E0%A4%A',
    ];
    for (const path of bad) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/json');
      const body = (await res.json()) as { error: string };
      expect(typeof body.error, path).toBe('string');
      expect(body.error.length).toBeGreaterThan(5);
    }
    expect((await get('/flights/abcdee')).status).toBe(404);
  });

  it('long URLs get 414 or a closed connection, and the server carries on', async () => {
    expect((await get(`/flights?bbox=${'1'.repeat(3000)}`)).status).toBe(414);
    const huge = await get(`/flights?x=${'1'.repeat(100_000)}`).then(
      (r) => r.status,
      () => 'closed',
    );
    expect([414, 431, 'closed']).toContain(huge);
    expect((await get('/flights')).status).toBe(200);
  });

  it('serves flights by id with the trail, airports by bbox, metrics, health and readiness', async () => {
    for (let i = 0; i < 5; i++)
      edge.board.upsert(makeTrack('c00001', { ts: clock.ms + i * 5000, lat: 10 + i }));
    const one = (await (await get('/flights/c00001')).json()) as { flight: Track; trail: number[][] };
    expect(one.flight.lat).toBe(14);
    expect(one.trail.map((p) => p[1])).toEqual([10, 11, 12, 13, 14]);

    const airports = (await (await get('/airports?bbox=-80,35,-70,45')).json()) as {
      features: { properties: { ident: string } }[];
    };
    expect(airports.features.map((f) => f.properties.ident)).toEqual(['KJFK']);
    expect((await get('/airports')).headers.get('content-type')).toBe('application/geo+json');

    const metrics = await (await get('/metrics')).text();
    for (const name of [
      'skysentinel_ws_clients',
      'skysentinel_ws_bytes_sent_total',
      'skysentinel_ws_frames_skipped_total',
      'skysentinel_edge_tick_seconds_bucket',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(metrics).toContain(name);
    }
    expect(await (await get('/healthz')).json()).toEqual({ status: 'ok' });
    expect(await (await get('/readyz')).json()).toEqual({
      ready: true,
      checks: { bus: true },
      feed: { state: 'live' },
    });
    const history = await get('/history/abc123');
    expect(history.status).toBe(503);
    expect(((await history.json()) as { error: string }).error).toContain('database');
  });

  it('serves the built UI with content types and an index.html fallback', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('<title>ui</title>');
    const js = await get('/assets/app-1234.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(await (await get('/some/app/route')).text()).toContain('<title>ui</title>');
    expect((await get('/assets/missing.js')).status).toBe(404);
    expect((await get('/..%2f..%2fetc/passwd')).status).toBe(404);
    expect((await fetch(`${edge.url}/flights`, { method: 'POST' })).status).toBe(405);
  });
});

describe('edge with EDGE_TOKEN, history and no UI', () => {
  let locked: Edge;
  beforeAll(async () => {
    locked = await startEdge({
      port: 0,
      token: 's3cret',
      autoTick: false,
      uiDir: join(uiDir, 'nope'),
      readiness: { bus: () => false, db: async () => true },
      history: {
        flightTrack: async (icao24, fromMs, toMs) =>
          icao24 === 'abc123'
            ? {
                type: 'LineString',
                coordinates: [
                  [0, 0, fromMs],
                  [1, 1, toMs],
                ],
              }
            : null,
        anomalies: async () => [],
      },
    });
  });
  afterAll(async () => {
    await locked.close();
  });
  const lget = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${locked.url}${path}`, { headers });

  it('every route but /healthz needs the token (Bearer header or ?token=)', async () => {
    expect((await lget('/healthz')).status).toBe(200);
    for (const path of [
      '/flights',
      '/flights/abc123',
      '/anomalies',
      '/history/abc123',
      '/airports',
      '/metrics',
      '/readyz',
      '/',
      '/flights?bbox=1,2,3',
    ]) {
      const res = await lget(path);
      expect(res.status, path).toBe(401);
      expect((await lget(path, { authorization: 'Bearer wrong' })).status, path).toBe(401);
    }
    expect((await lget('/flights', { authorization: 'Bearer s3cret' })).status).toBe(200);
    expect((await lget('/flights?token=s3cret')).status).toBe(200);
    await expect(TestClient.connect(`ws://127.0.0.1:${locked.port}/ws/flights`)).rejects.toThrow('HTTP 401');
    await expect(TestClient.connect(`ws://127.0.0.1:${locked.port}/ws/flights?token=nope`)).rejects.toThrow(
      'HTTP 401',
    );
    const ok = await TestClient.connect(`ws://127.0.0.1:${locked.port}/ws/flights?token=s3cret`);
    await ok.until(() => ok.last('snapshot') !== undefined, 'snapshot');
    ok.close();
    const viaHeader = await TestClient.connect(`ws://127.0.0.1:${locked.port}/ws/flights`, {
      authorization: 'Bearer s3cret',
    });
    await viaHeader.until(() => viaHeader.last('hello') !== undefined, 'hello');
    viaHeader.close();
  });

  it('history comes from the injected store; readiness reports each check; a missing UI is a clear 503', async () => {
    const auth = { authorization: 'Bearer s3cret' };
    const line = await lget('/history/abc123?from=1000&to=2000', auth);
    expect(line.status).toBe(200);
    expect(await line.json()).toEqual({
      type: 'LineString',
      coordinates: [
        [0, 0, 1000],
        [1, 1, 2000],
      ],
    });
    expect((await lget('/history/abc124?from=1000&to=2000', auth)).status).toBe(404);
    // The backlog by cursor comes from the edge's own log even with a database (cursors are its own).
    const backlog = (await (await lget('/anomalies?after=0', auth)).json()) as AnomalyBacklog;
    expect(backlog).toMatchObject({ cursor: 0, more: false, truncated: false, anomalies: [], open: [] });
    expect(backlog.instance).toMatch(/^[0-9a-f-]{36}$/);
    const ready = await lget('/readyz', auth);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ready: false, checks: { bus: false, db: true } });
    const ui = await lget('/', auth);
    expect(ui.status).toBe(503);
    expect(await ui.text()).toContain('The UI is not built');
  });
});

describe('compact client under backpressure', () => {
  it('a stalled compact client skips frames, then resumes from a compact snapshot and equals GET /flights', async () => {
    const c = { ms: 1_700_000_000_000 };
    const small = await startEdge({
      port: 0,
      now: () => c.ms,
      autoTick: false,
      uiDir: '/nonexistent',
      backpressure: { softBytes: 64 * 1024, resumeBytes: 16 * 1024 },
    });
    try {
      const url = `ws://127.0.0.1:${small.port}/ws/flights?encoding=compact`;
      const slow = await TestClient.connect(url, {}, { keepFrames: false });
      await slow.until(() => slow.mirror.seq !== null, 'snapshot');
      const socket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      socket.pause();
      // Every aircraft moves every tick: whole compact frames of ~100 KB until the kernel's
      // buffers are full and the server's own backlog passes the soft limit.
      let skipped = 0;
      for (let t = 0; t < 400 && skipped === 0; t++) {
        for (let i = 0; i < 3000; i++)
          small.board.upsert(
            makeTrack(icaoOf(i), { lon: (i % 300) - 150 + t / 1000, lat: (i % 140) - 70, ts: c.ms }),
          );
        c.ms += 250;
        small.tick();
        skipped = (await small.metrics.wsFramesSkipped.get()).values[0]?.value ?? 0;
      }
      expect(skipped).toBeGreaterThan(0);
      socket.resume();
      const world = [...small.fanout.groups.all()].find((g) => g.key === 'world');
      await slow.until(() => slow.mirror.seq === world?.seq, 'resync snapshot after draining', 20_000);
      small.board.upsert(makeTrack(icaoOf(1), { lon: 1, lat: 1, alt_m: null, ts: c.ms }));
      small.tick();
      await slow.until(() => slow.mirror.seq === world?.seq, 'a delta after the snapshot');
      expect(slow.mirror.gaps).toBe(0);
      const http = (await (await fetch(`${small.url}/flights`)).json()) as { flights: Track[] };
      expect(slow.mirror.flights).toEqual(new Map(http.flights.map((t) => [t.icao24, t])));
      slow.close();
    } finally {
      await small.close();
    }
  });
});

describe('WS_MAX_CLIENTS', () => {
  it('over the cap an upgrade is a 503 with a reason; a closed socket frees its place', async () => {
    const capped = await startEdge({ port: 0, autoTick: false, uiDir: '/nonexistent', maxClients: 2 });
    const url = `ws://127.0.0.1:${capped.port}/ws/flights`;
    const open: TestClient[] = [];
    try {
      open.push(await TestClient.connect(url), await TestClient.connect(url));
      await expect(TestClient.connect(url)).rejects.toThrow('HTTP 503');
      expect(await upgradeRefusal(capped.port)).toEqual({
        status: 503,
        body: { error: 'the edge serves at most 2 WebSocket clients' },
      });
      expect(capped.fanout.clientCount).toBe(2);
      open.shift()!.close();
      await waitUntil(() => capped.fanout.clientCount === 1);
      open.push(await TestClient.connect(url));
      expect(capped.fanout.clientCount).toBe(2);
    } finally {
      for (const c of open) await c.close();
      await capped.close();
    }
  });
});

/** A raw upgrade request (fetch may not send `connection: upgrade`): the refusal's status and body. */
function upgradeRefusal(port: number): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      port,
      host: '127.0.0.1',
      path: '/ws/flights',
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    });
    req.on('upgrade', () => reject(new Error('upgraded')));
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitUntil(cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
