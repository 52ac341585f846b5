/**
 * The live producer against a local fake OpenSky (node:http on 127.0.0.1:18301) that serves
 * recorded-shape /states/all answers and an OAuth2 token endpoint.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { valueText } from '../bus/bus.ts';
import { recordingConsumer, waitFor } from '../bus/bus-contract.ts';
import { EmbeddedBus } from '../bus/embedded/embedded-bus.ts';
import type { FlightEnvelope } from '../contract/envelope.ts';
import { runLive } from './live.ts';
import { OpenSkyClient } from './opensky-client.ts';
import { createEnvelopePublisher } from './publisher.ts';

const PORT = 18301;
const BASE = `http://127.0.0.1:${PORT}`;

interface FakeState {
  tokens: number;
  validToken: string | null;
  /** Queue of scripted answers for /states/all: 'ok' | '401' | '429'. */
  script: string[];
  requests: Array<{ auth: string | undefined; query: string }>;
  tokenBodies: string[];
  expiresInS: number;
  time: number;
}

const fake: FakeState = {
  tokens: 0,
  validToken: null,
  script: [],
  requests: [],
  tokenBodies: [],
  expiresInS: 1800,
  time: 1732700000,
};

const body = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let s = '';
    req.on('data', (c) => {
      s += c;
    });
    req.on('end', () => resolve(s));
  });

/** Two aircraft with positions and one without (as OpenSky sends for Mode-S-only contacts). */
const statesAt = (t: number) => ({
  time: t,
  states: [
    [
      'a1b2c3',
      'DAL123  ',
      'United States',
      t - 1,
      t,
      -73.78,
      40.64,
      1219.2,
      false,
      82.3,
      270.5,
      -4.55,
      null,
      1250.5,
      '1200',
      false,
      0,
      4,
    ],
    [
      'c0ffee',
      '        ',
      'Canada',
      t - 2,
      t,
      -73.5,
      40.9,
      10668,
      false,
      230.1,
      45,
      0,
      null,
      10700,
      null,
      false,
      0,
      1,
    ],
    [
      'abcdef',
      'NOPOS',
      'United States',
      null,
      t,
      null,
      null,
      null,
      false,
      null,
      null,
      null,
      null,
      null,
      null,
      false,
      0,
      0,
    ],
  ],
});

let server: Server;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', BASE);
    if (url.pathname === '/token' && req.method === 'POST') {
      fake.tokenBodies.push(await body(req));
      fake.tokens++;
      fake.validToken = `tok-${fake.tokens}`;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ access_token: fake.validToken, expires_in: fake.expiresInS, token_type: 'Bearer' }),
      );
      return;
    }
    if (url.pathname === '/api/states/all') {
      fake.requests.push({ auth: req.headers.authorization, query: url.search });
      const next = fake.script.shift() ?? 'ok';
      if (next === '429') {
        res.writeHead(429, { 'x-rate-limit-retry-after-seconds': '2' });
        res.end('Too many requests');
        return;
      }
      if (next === '401' || req.headers.authorization !== `Bearer ${fake.validToken}`) {
        res.writeHead(401);
        res.end();
        return;
      }
      fake.time += 10;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(statesAt(fake.time)));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(PORT, '127.0.0.1', r));
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

function setup(now: () => number) {
  const bus = new EmbeddedBus();
  const publisher = createEnvelopePublisher({ bus, topics: { state: 'l.state', updates: 'l.updates' } });
  const client = new OpenSkyClient({
    apiUrl: `${BASE}/api`,
    tokenUrl: `${BASE}/token`,
    clientId: 'me',
    clientSecret: 's3cret',
    bbox: [-75.5, 39.8, -72.0, 41.6],
    now,
  });
  return { bus, publisher, client };
}

describe('produce --mode live against a fake OpenSky', () => {
  it('fetches a token, queries the bbox, converts and publishes positions only', async () => {
    const { bus, publisher, client } = setup(Date.now);
    const updates = await recordingConsumer(bus, 'g1', ['l.updates']);
    const stats = await runLive({ client, publisher, pollS: 0.01, maxPolls: 2 });
    expect(stats).toMatchObject({ polls: 2, published: 4, noPosition: 2, errors: 0 });
    expect(fake.tokenBodies[0]).toBe('grant_type=client_credentials&client_id=me&client_secret=s3cret');
    const q = new URLSearchParams(fake.requests[0]!.query);
    expect(Object.fromEntries(q)).toEqual({
      lamin: '39.8',
      lomin: '-75.5',
      lamax: '41.6',
      lomax: '-72',
      extended: '1',
    });
    expect(fake.requests[0]!.auth).toBe(`Bearer ${fake.validToken}`);
    await waitFor('4 on updates', () => updates.seen.length >= 4);
    const envs = updates.seen.map((m) => JSON.parse(valueText(m.value)) as FlightEnvelope);
    const dal = envs.find((e) => e.icao24 === 'a1b2c3')!;
    expect(dal).toMatchObject({ callsign: 'DAL123', track_deg: 270.5, source: 'opensky', squawk: '1200' });
    expect(dal.ts % 1000).toBe(0);
    expect(envs.find((e) => e.icao24 === 'c0ffee')!.callsign).toBe(null);
    expect(envs.every((e) => typeof e.ingest_ts === 'number')).toBe(true);
    await bus.close();
  });

  it('refreshes the token before it expires and retries once after a 401', async () => {
    let clock = 1_000_000;
    const { bus, publisher, client } = setup(() => clock);
    fake.expiresInS = 100;
    const tokensBefore = fake.tokens;
    await runLive({ client, publisher, pollS: 0.01, maxPolls: 1, now: () => clock });
    expect(fake.tokens).toBe(tokensBefore + 1);
    clock += 50_000; // 50 s later: still valid (refresh margin 30 s)
    await runLive({ client, publisher, pollS: 0.01, maxPolls: 1, now: () => clock });
    expect(fake.tokens).toBe(tokensBefore + 1);
    clock += 25_000; // 75 s: within the margin, refreshed before use
    await runLive({ client, publisher, pollS: 0.01, maxPolls: 1, now: () => clock });
    expect(fake.tokens).toBe(tokensBefore + 2);
    fake.script.push('401'); // server-side revocation: new token, same poll succeeds
    const s = await runLive({ client, publisher, pollS: 0.01, maxPolls: 1, now: () => clock });
    expect(fake.tokens).toBe(tokensBefore + 3);
    expect(s).toMatchObject({ errors: 0, published: 2 });
    fake.expiresInS = 1800;
    await bus.close();
  });

  it('waits X-Rate-Limit-Retry-After-Seconds after a 429', async () => {
    const { bus, publisher, client } = setup(Date.now);
    fake.script.push('429');
    const slept: number[] = [];
    const s = await runLive({
      client,
      publisher,
      pollS: 0.01,
      maxPolls: 2,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    expect(s).toMatchObject({ rateLimited: 1, errors: 0, published: 2 });
    expect(slept[0]).toBeGreaterThan(1_900);
    expect(slept[0]).toBeLessThanOrEqual(2_000);
    await bus.close();
  });
});
