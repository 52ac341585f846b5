import { createServer, type Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../runtime/db/test-db.ts';
import { ensureUiBuilt } from './build.ts';
import { launchBrowser, screenshot } from './e2e/browser.ts';
import { type FixturePipeline, startFixturePipeline } from './e2e/pipeline.ts';

/**
 * The built UI in headless Chromium against the real edge with EDGE_TOKEN set (the NYC fixture
 * replayed at 20x): without the token the page is the edge's login prompt and nothing of the
 * traffic; with it (typed in, or `/?token=` once) the globe, aircraft and live WebSocket frames,
 * and playback of PostGIS history over /ws/playback; a reload keeps working on the cookie; a page
 * of another origin cannot open the WebSocket.
 */
const PORT = 18290;
const FOREIGN_PORT = 18291;
const TOKEN = 'e2e-t0ken with spaces';
const SPEED = 20;

describe('the UI with EDGE_TOKEN set', () => {
  let db: TestDatabase;
  let pipeline: FixturePipeline;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let foreign: Server;
  /** WebSocket frames the page received (all sockets), counted as they arrive. */
  let framesReceived = 0;
  let socketsOpened = 0;
  /** Text frames received on /ws/playback sockets. */
  const playbackFrames: string[] = [];

  const status = () => page.getByTestId('connection-state').getAttribute('data-status');
  const shown = async () => Number((await page.getByTestId('visible-count').textContent()) ?? 0);
  const refusedOrigin = async () => {
    const text = await (
      await fetch(`${pipeline.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).text();
    return Number(/^skysentinel_edge_refused_total\{reason="origin"\} (\d+)/m.exec(text)?.[1] ?? 0);
  };

  beforeAll(async () => {
    ensureUiBuilt();
    db = await createTestDatabase('ui_auth');
    pipeline = await startFixturePipeline({
      port: PORT,
      speed: SPEED,
      databaseUrl: db.url,
      env: { EDGE_TOKEN: TOKEN },
    });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on('websocket', (ws) => {
      socketsOpened++;
      const playback = ws.url().includes('/ws/playback');
      ws.on('framereceived', (f) => {
        framesReceived++;
        if (playback && typeof f.payload === 'string') playbackFrames.push(f.payload);
      });
    });
    // A page of another origin (same site: 127.0.0.1, another port, so the cookie goes along)
    // that opens the edge's WebSocket and records what happened.
    foreign = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><title>foreign</title><script>
        window.events = [];
        const ws = new WebSocket('ws://127.0.0.1:${PORT}/ws/flights');
        for (const t of ['open', 'message', 'error', 'close']) ws.addEventListener(t, () => window.events.push(t));
      </script>`);
    });
    await new Promise<void>((resolve) => foreign.listen(FOREIGN_PORT, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await browser?.close();
    await pipeline?.close();
    await new Promise((resolve) => foreign?.close(resolve));
    await db?.drop();
  });

  it('without the token: the login prompt, no globe, no aircraft, no WebSocket', async () => {
    const res = await page.goto(`${pipeline.url}/`);
    expect(res?.status()).toBe(401);
    await expect.poll(() => page.getByTestId('login-form').isVisible()).toBe(true);
    expect(await page.getByTestId('globe').count()).toBe(0);
    expect(await page.getByTestId('visible-count').count()).toBe(0);
    expect(await page.textContent('body')).toContain('This edge needs its token');
    // The API, with what this browser holds (no cookie yet), is refused too.
    const api = await page.request.get(`${pipeline.url}/flights`);
    expect(api.status()).toBe(401);
    expect(await api.text()).toContain('missing or wrong token');
    expect(socketsOpened).toBe(0);
    await screenshot(page, 'auth-login-prompt');
  });

  it('a wrong token: the prompt again, saying so', async () => {
    await page.getByTestId('login-token').fill('not it');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByText('not the one this edge was started with').isVisible()).toBe(true);
    expect(await page.getByTestId('globe').count()).toBe(0);
    expect((await context.cookies()).length).toBe(0);
  });

  it('typing the token loads the globe with aircraft and live WebSocket frames', async () => {
    await page.getByTestId('login-token').fill(TOKEN);
    await page.getByTestId('login-submit').click();
    await expect.poll(status, { timeout: 60_000 }).toBe('live');
    await expect.poll(shown, { timeout: 60_000 }).toBeGreaterThan(0);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(page.url()).not.toContain('token');
    // Live: frames keep arriving on the socket the page opened with its cookie.
    const seen = framesReceived;
    await expect.poll(() => framesReceived, { timeout: 30_000 }).toBeGreaterThan(seen + 8);
    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({
      name: 'skysentinel_auth',
      path: '/',
      httpOnly: true,
      sameSite: 'Strict',
      secure: false, // plain http: Secure would not be kept (docs/edge.md)
    });
    expect(cookies[0]?.value).not.toContain('t0ken');
    // Page scripts cannot read it (HttpOnly).
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await screenshot(page, 'auth-logged-in');
  });

  it('a reload keeps working on the cookie', async () => {
    const sockets = socketsOpened;
    const res = await page.reload();
    expect(res?.status()).toBe(200);
    await expect.poll(status, { timeout: 60_000 }).toBe('live');
    await expect.poll(shown, { timeout: 60_000 }).toBeGreaterThan(0);
    expect(socketsOpened).toBeGreaterThan(sockets);
    const seen = framesReceived;
    await expect.poll(() => framesReceived, { timeout: 30_000 }).toBeGreaterThan(seen + 8);
  });

  it('playback of PostGIS history works over the cookie too, and back to live', async () => {
    await expect.poll(() => page.getByTestId('playback-start').count(), { timeout: 60_000 }).toBe(1);
    await page.getByTestId('playback-start').click();
    await expect.poll(() => page.getByTestId('playback-bar').getAttribute('data-mode')).toBe('playback');
    await expect
      .poll(() => playbackFrames.some((f) => f.includes('"type":"hello"') && f.includes('"mode":"playback"')))
      .toBe(true);
    await expect.poll(() => playbackFrames.some((f) => f.includes('"type":"playback"'))).toBe(true);
    await page.getByTestId('playback-live').click();
    await expect.poll(() => page.getByTestId('playback-bar').getAttribute('data-mode')).toBe('live');
    await expect.poll(status).toBe('live');
  });

  it('/?token= once in a fresh browser: the same URL without the token, and the globe', async () => {
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const p = await fresh.newPage();
      await p.goto(`${pipeline.url}/?token=${encodeURIComponent(TOKEN)}`);
      expect(p.url()).toBe(`${pipeline.url}/`);
      await expect
        .poll(() => p.getByTestId('connection-state').getAttribute('data-status'), { timeout: 60_000 })
        .toBe('live');
      await expect
        .poll(async () => Number((await p.getByTestId('visible-count').textContent()) ?? 0), {
          timeout: 60_000,
        })
        .toBeGreaterThan(0);
      expect((await fresh.cookies()).map((c) => c.name)).toEqual(['skysentinel_auth']);
    } finally {
      await fresh.close();
    }
  });

  it("a page of another origin cannot open the edge's WebSocket, cookie or not (403)", async () => {
    const before = await refusedOrigin();
    const p = await context.newPage(); // the context holds the cookie, and 127.0.0.1 is the same site
    try {
      await p.goto(`http://127.0.0.1:${FOREIGN_PORT}/`);
      await expect
        .poll(() => p.evaluate(() => (window as unknown as { events: string[] }).events), { timeout: 30_000 })
        .toContain('close');
      const events = await p.evaluate(() => (window as unknown as { events: string[] }).events);
      expect(events).not.toContain('open');
      expect(events).not.toContain('message');
      await expect.poll(refusedOrigin).toBeGreaterThan(before);
    } finally {
      await p.close();
    }
    // The edge's own page is still live meanwhile.
    await expect.poll(status).toBe('live');
  });
});
