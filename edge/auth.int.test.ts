import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AUTH_COOKIE, authCookieValue } from './auth.ts';
import { rawRequest } from './reliability/raw-http.ts';
import { type Edge, startEdge, UNAUTHORIZED } from './server.ts';
import { TestClient } from './test-client.ts';
import { makeTrack } from './test-tracks.ts';

/**
 * EDGE_TOKEN with the browser's cookie and EDGE_ALLOWED_ORIGINS, against the real edge (uWS on
 * loopback), spoken to in raw HTTP so every header the browser would see (Location, Set-Cookie)
 * is checked as sent.
 */
const TOKEN = 's3cret token';
const COOKIE = `${AUTH_COOKIE}=${authCookieValue(TOKEN)}`;
let dir: string;
let edge: Edge;
let open: Edge; // no token, a list of allowed origins
let host: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edge-auth-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>the ui</title>');
  writeFileSync(join(dir, 'assets', 'app-1.js'), 'console.log(1)');
  // A stand-in history: playback plays one aircraft (the queries are not what this file tests).
  const none = async () => null;
  edge = await startEdge({
    port: 0,
    token: TOKEN,
    autoTick: false,
    uiDir: dir,
    history: {
      flightTrack: none,
      anomalies: async () => [],
      events: {
        anomalyById: none,
        trail: async () => [],
        lastKnown: none,
        nearby: async () => ({ count: 0, icao24s: [] }),
        playback: {
          // Each frame: the aircraft at the end of its slice.
          frames: async (bounds) => bounds.slice(1).map((toMs) => [makeTrack('def456', { ts: toMs - 1 })]),
        },
      },
    },
  });
  edge.board.upsert(makeTrack('abc123', { lon: 1, lat: 2, ts: Date.now() }));
  edge.tick(); // snapshots come from what the last tick published
  host = `127.0.0.1:${edge.port}`;
  open = await startEdge({
    port: 0,
    autoTick: false,
    uiDir: dir,
    allowedOrigins: ['https://sky.example.org'],
  });
});
afterAll(async () => {
  await edge?.close();
  await open?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A request with the usual Host and the given headers. */
const http = (
  port: number,
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body = '',
) =>
  rawRequest(
    port,
    `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}${body === '' ? '' : `Content-Length: ${Buffer.byteLength(body)}\r\n`}\r\n${body}`,
  );
const header = (head: string, name: string): string | null =>
  new RegExp(`\\r\\n${name}: ([^\\r]*)`, 'i').exec(head)?.[1] ?? null;
const refused = async (e: Edge, reason: string) =>
  (await e.metrics.edgeRefused.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;

/** Opens a WebSocket; resolves with 'open' or the HTTP status of the refused upgrade. */
function upgrade(url: string, headers: Record<string, string> = {}): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

describe('EDGE_TOKEN in a browser: ?token= once, then a cookie', () => {
  it('a page without token or cookie gets the login page (401), not a blank UI', async () => {
    const before = await refused(edge, 'token');
    for (const path of ['/', '/investigate', '/assets/app-1.js']) {
      const a = await http(edge.port, 'GET', path);
      expect(a.status, path).toBe(401);
      expect(header(a.head, 'content-type')).toBe('text/html; charset=utf-8');
      expect(a.body).toContain('<form method="post" action="/login"');
      expect(a.body).not.toContain('the ui');
      expect(header(a.head, 'set-cookie')).toBeNull();
      expect(header(a.head, 'content-security-policy')).toContain("default-src 'none'");
    }
    expect(await refused(edge, 'token')).toBe(before + 3);
  });

  it('/?token= with the right token: a redirect to the same URL without it, and the cookie', async () => {
    const a = await http(edge.port, 'GET', `/investigate?at=5&token=${encodeURIComponent(TOKEN)}&speed=10`);
    expect(a.status).toBe(303);
    expect(header(a.head, 'location')).toBe('/investigate?at=5&speed=10');
    const cookie = header(a.head, 'set-cookie');
    expect(cookie).toBe(`${COOKIE}; Path=/; Max-Age=2592000; HttpOnly; SameSite=Strict`);
    expect(cookie).not.toContain(TOKEN);
    expect(header(a.head, 'cache-control')).toBe('no-store');
    expect(header(a.head, 'referrer-policy')).toBe('no-referrer');
    const root = await http(edge.port, 'GET', `/?token=${encodeURIComponent(TOKEN)}`);
    expect(header(root.head, 'location')).toBe('/');
  });

  it('Secure is added only when a TLS proxy says the browser used https', async () => {
    const a = await http(edge.port, 'GET', `/?token=${encodeURIComponent(TOKEN)}`, {
      'X-Forwarded-Proto': 'https',
    });
    expect(header(a.head, 'set-cookie')).toMatch(/; SameSite=Strict; Secure$/);
  });

  it('a wrong ?token= gets the login page saying so, and no cookie', async () => {
    const a = await http(edge.port, 'GET', '/?token=nope');
    expect(a.status).toBe(401);
    expect(a.body).toContain('not the one this edge was started with');
    expect(header(a.head, 'set-cookie')).toBeNull();
    const twice = await http(edge.port, 'GET', `/?token=${encodeURIComponent(TOKEN)}&token=x`);
    expect(twice.status).toBe(401);
  });

  it('with the cookie: the UI, its assets, every API route and /metrics', async () => {
    const withCookie = { Cookie: `other=1; ${COOKIE}` };
    const page = await http(edge.port, 'GET', '/', withCookie);
    expect(page.status).toBe(200);
    expect(page.body).toContain('the ui');
    expect((await http(edge.port, 'GET', '/assets/app-1.js', withCookie)).status).toBe(200);
    for (const path of ['/flights', '/flights/abc123', '/anomalies', '/playback', '/metrics']) {
      expect((await http(edge.port, 'GET', path, withCookie)).status, path).toBe(200);
      const head = await fetch(`http://${host}${path}`, { method: 'HEAD', headers: withCookie });
      expect(head.status, `HEAD ${path}`).toBe(200);
    }
    expect((await http(edge.port, 'GET', '/history/abc123', withCookie)).status).toBe(404); // past auth: no history
  });

  it('API routes without a valid token answer 401 with a JSON error saying how', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { Cookie: `${AUTH_COOKIE}=forged` },
      { Cookie: `${AUTH_COOKIE}=${TOKEN}` },
    ]) {
      for (const path of ['/flights', '/anomalies?limit=1', '/metrics', '/readyz', '/flights?nope=1']) {
        const a = await http(edge.port, 'GET', path, headers);
        expect(a.status, path).toBe(401);
        expect(header(a.head, 'content-type')).toBe('application/json');
        expect(JSON.parse(a.body)).toEqual({ error: UNAUTHORIZED });
      }
    }
    expect(UNAUTHORIZED).toMatch(/^missing or wrong token: send Authorization: Bearer/);
    expect((await http(edge.port, 'GET', '/healthz')).status).toBe(200);
  });

  it('programs keep the Bearer header and ?token=', async () => {
    expect((await http(edge.port, 'GET', '/flights', { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await http(edge.port, 'GET', `/flights?token=${encodeURIComponent(TOKEN)}`)).status).toBe(200);
    expect((await http(edge.port, 'GET', '/flights', { Authorization: 'Bearer s3cret' })).status).toBe(401);
  });

  it('the login form: POST /login sets the cookie and goes back to a path of this site only', async () => {
    const form = (t: string, next: string) =>
      `token=${encodeURIComponent(t)}&next=${encodeURIComponent(next)}`;
    const ct = { 'Content-Type': 'application/x-www-form-urlencoded', Origin: `http://${host}` };
    const ok = await http(edge.port, 'POST', '/login', ct, form(TOKEN, '/investigate?at=5'));
    expect(ok.status).toBe(303);
    expect(header(ok.head, 'location')).toBe('/investigate?at=5');
    expect(header(ok.head, 'set-cookie')).toMatch(
      new RegExp(`^${COOKIE}; Path=/; .*HttpOnly; SameSite=Strict$`),
    );
    const away = await http(edge.port, 'POST', '/login', ct, form(TOKEN, '//evil.example/'));
    expect(header(away.head, 'location')).toBe('/');
    const wrong = await http(edge.port, 'POST', '/login', ct, form('nope', '/x'));
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('not the one');
    expect(wrong.body).toContain('name="next" value="/x"');
    expect(header(wrong.head, 'set-cookie')).toBeNull();
    const big = await http(edge.port, 'POST', '/login', ct, form(TOKEN, `/${'x'.repeat(5000)}`));
    expect(big.status).toBe(413);
    const foreign = await http(
      edge.port,
      'POST',
      '/login',
      { ...ct, Origin: 'http://evil.example' },
      form(TOKEN, '/'),
    );
    expect(foreign.status).toBe(403);
    expect(header(foreign.head, 'set-cookie')).toBeNull();
  });

  it('WebSockets (/ws/flights, /ws/playback) take the cookie as well as the header and ?token=', async () => {
    const url = `ws://${host}/ws/flights`;
    expect(await upgrade(url)).toBe(401);
    expect(await upgrade(url, { Cookie: `${AUTH_COOKIE}=forged` })).toBe(401);
    const c = await TestClient.connect(url, { Cookie: COOKIE, Origin: `http://${host}` });
    await c.until(() => c.mirror.flights.has('abc123'), 'the aircraft over a cookie-authorised socket');
    expect([...c.mirror.flights.keys()]).toEqual(['abc123']);
    c.close();
    expect(await upgrade(url, { Authorization: `Bearer ${TOKEN}` })).toBe('open');
    expect(await upgrade(`${url}?token=${encodeURIComponent(TOKEN)}`)).toBe('open');
    // Playback plays history over a cookie-authorised socket too.
    const now = Date.now();
    const playbackUrl = `ws://${host}/ws/playback?from=${now - 600_000}&to=${now - 60_000}&speed=10`;
    expect(await upgrade(playbackUrl)).toBe(401);
    expect(await upgrade(playbackUrl, { Cookie: `${AUTH_COOKIE}=forged` })).toBe(401);
    const p = await TestClient.connect(playbackUrl, { Cookie: COOKIE, Origin: `http://${host}` });
    await p.until(
      () => p.mirror.flights.has('def456'),
      'a played-back aircraft over a cookie-authorised socket',
    );
    expect(p.frames[0]).toMatchObject({ type: 'hello', mode: 'playback' });
    p.close();
  });
});

describe('EDGE_ALLOWED_ORIGINS on WebSocket upgrades', () => {
  it('default: the page of this host passes; another origin gets 403, even with the cookie', async () => {
    const before = await refused(edge, 'origin');
    const url = `ws://${host}/ws/flights`;
    expect(await upgrade(url, { Cookie: COOKIE, Origin: `http://${host}` })).toBe('open');
    for (const origin of ['http://evil.example', `http://127.0.0.1:${edge.port + 1}`, 'null']) {
      expect(await upgrade(url, { Cookie: COOKIE, Origin: origin }), origin).toBe(403);
      expect(await upgrade(`ws://${host}/ws/playback`, { Cookie: COOKIE, Origin: origin }), origin).toBe(403);
    }
    expect(await refused(edge, 'origin')).toBe(before + 6);
    // No Origin: a program, not a page. The token decides.
    expect(await upgrade(url, { Cookie: COOKIE })).toBe('open');
  });

  it('a list: exactly its origins, whatever the Host; the edge own host is no longer implied', async () => {
    const url = `ws://127.0.0.1:${open.port}/ws/flights`;
    expect(await upgrade(url, { Origin: 'https://sky.example.org' })).toBe('open');
    expect(await upgrade(url, { Origin: `http://127.0.0.1:${open.port}` })).toBe(403);
    expect(await upgrade(url, { Origin: 'http://sky.example.org' })).toBe(403);
    expect(await upgrade(url)).toBe('open');
    const a = await http(open.port, 'GET', '/ws/flights', {
      Origin: 'http://evil.example',
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version': '13',
    });
    expect(a.status).toBe(403);
    expect(JSON.parse(a.body).error).toBe(
      'origin "http://evil.example" is not allowed (EDGE_ALLOWED_ORIGINS)',
    );
  });

  it('without a token the pages and the API stay open, and /login just sends the browser on', async () => {
    expect((await http(open.port, 'GET', '/')).status).toBe(200);
    expect((await http(open.port, 'GET', '/flights')).status).toBe(200);
    const a = await http(
      open.port,
      'POST',
      '/login',
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      'token=x&next=%2Fa',
    );
    expect(a.status).toBe(303);
    expect(header(a.head, 'location')).toBe('/a');
    expect(header(a.head, 'set-cookie')).toBeNull();
  });
});
