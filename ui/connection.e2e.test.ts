import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_DIR, ensureUiBuilt } from './build.ts';
import { type FeedServer, startFeedServer } from './dev/feed-server.ts';
import { launchBrowser, openPage, type PageLog, screenshot } from './e2e/browser.ts';

/**
 * Client resilience, driven by the protocol-faithful synthetic feed (ui/dev/feed-server.ts) because
 * the real edge cannot be told to lose a frame: a seq gap makes the page resync, and a server that
 * goes away shows "reconnecting" until it is back, then the page is whole again.
 */
const PORT = 18280;
const AIRCRAFT = 300;

describe('connection state, resync and reconnect', () => {
  let feed: FeedServer;
  let browser: Browser;
  let page: Page;
  let log: PageLog;
  const status = () => page.getByTestId('connection-state').getAttribute('data-status');
  const shown = async () => Number(await page.getByTestId('visible-count').textContent());

  beforeAll(async () => {
    ensureUiBuilt();
    feed = await startFeedServer({ port: PORT, aircraft: AIRCRAFT, gapAfterDeltas: 8, staticDir: DIST_DIR });
    browser = await launchBrowser();
    ({ page, log } = await openPage(browser, `${feed.url}/`));
  });

  afterAll(async () => {
    await browser?.close();
    await feed?.close();
  });

  it('a seq gap leads to a resync, and the page still holds every aircraft', async () => {
    await expect.poll(status, { timeout: 30_000 }).toBe('live');
    await expect
      .poll(() => page.getByTestId('connection-state').getAttribute('data-gaps'), { timeout: 30_000 })
      .toBe('1');
    await expect.poll(status).toBe('live');
    await expect.poll(shown).toBe(AIRCRAFT);
  });

  it('shows "reconnecting" while the server is gone and recovers when it is back', async () => {
    await feed.close();
    await expect.poll(status, { timeout: 15_000 }).toBe('reconnecting');
    await screenshot(page, 'connection-reconnecting');
    feed = await startFeedServer({ port: PORT, aircraft: AIRCRAFT, staticDir: DIST_DIR });
    // Backoff is capped at 15 s; the first retries come much sooner.
    await expect.poll(status, { timeout: 40_000 }).toBe('live');
    await expect.poll(shown).toBe(AIRCRAFT);
    // WebSocket connection failures while the server was down are logged by the browser itself.
    expect(
      log.errors.filter((e) => !/WebSocket connection .* failed|ERR_CONNECTION_REFUSED/.test(e)),
    ).toEqual([]);
    expect(log.external).toEqual([]);
  });
});
