import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_DIR, ensureUiBuilt } from './build.ts';
import { type FeedServer, startFeedServer } from './dev/feed-server.ts';
import { inPage, launchBrowser, openPage, type PageLog, screenshot } from './e2e/browser.ts';

/**
 * Thinning zoomed out (core/thinning.ts): with more aircraft in view than the budget (1,000), the
 * globe draws about the budget, says "N of M in view shown at this zoom", and still draws every
 * emphasised (emergency) aircraft and the selected one; zoomed in far enough that fewer are in
 * view, the hint goes and everything in view is drawn. Against the synthetic feed (3,000 aircraft,
 * an emergency squawk every second).
 */
const PORT = 18310;
const AIRCRAFT = 3_000;

type Hook = {
  visibleCount(): number;
  drawn(): { drawn: number; inView: number };
  isDrawn(icao24: string): boolean;
  emphasised(): string[];
  setView(lat: number, lon: number, altitude: number): void;
  select(icao24: string): void;
  pointOfView(): { lat: number; lng: number; altitude: number };
};
const hook = <T>(page: Page, fn: (h: Hook) => T) => inPage(page, fn);

describe('thinning zoomed out', () => {
  let feed: FeedServer;
  let browser: Browser;
  let page: Page;
  let log: PageLog;

  beforeAll(async () => {
    ensureUiBuilt();
    feed = await startFeedServer({ port: PORT, aircraft: AIRCRAFT, anomalyEveryS: 1, staticDir: DIST_DIR });
    browser = await launchBrowser();
    ({ page, log } = await openPage(browser, `${feed.url}/`));
  });

  afterAll(async () => {
    await browser?.close();
    await feed?.close();
  });

  it('draws about 1,000 of the 3,000 in view, says so, and draws every emergency and the selected aircraft', async () => {
    await expect.poll(() => hook(page, (h) => h.visibleCount()), { timeout: 60_000 }).toBe(AIRCRAFT);
    // The whole traffic in view.
    await hook(page, (h) => h.setView(40.7, -74, 2.5));
    await expect.poll(() => hook(page, (h) => h.drawn().inView), { timeout: 20_000 }).toBe(AIRCRAFT);
    const { drawn } = await hook(page, (h) => h.drawn());
    expect(drawn).toBeGreaterThan(900);
    expect(drawn).toBeLessThanOrEqual(1_000);
    // The hint says what is drawn now (emergencies keep arriving, so the count may move by a few).
    await expect
      .poll(async () => {
        const now = await hook(page, (h) => h.drawn().drawn);
        const text = await page.getByTestId('thinned-hint').textContent();
        return text === `${now.toLocaleString('en-US')} of 3,000 in view shown at this zoom`
          ? 'matches'
          : text;
      })
      .toBe('matches');
    // Emergencies arrive every second: each one is drawn (none thinned out).
    await expect.poll(() => hook(page, (h) => h.emphasised().length), { timeout: 20_000 }).toBeGreaterThan(2);
    await expect.poll(() => hook(page, (h) => h.emphasised().filter((id) => !h.isDrawn(id)))).toEqual([]);
    // An aircraft the sample left out is drawn once selected.
    const left = await hook(page, (h) => {
      for (let i = 0; i < 3000; i++) {
        const id = (0xa00000 + i).toString(16);
        if (!h.isDrawn(id)) return id;
      }
      return null;
    });
    expect(left).not.toBeNull();
    await page.evaluate(`window.__skysentinel.select(${JSON.stringify(left)})`);
    // Selecting flies in (fewer in view); once there, back out to the whole traffic.
    await expect
      .poll(() => hook(page, (h) => h.pointOfView().altitude), { timeout: 20_000 })
      .toBeLessThan(0.36);
    await hook(page, (h) => h.setView(40.7, -74, 2.5));
    await expect.poll(() => hook(page, (h) => h.drawn().inView), { timeout: 20_000 }).toBe(AIRCRAFT);
    expect(await page.evaluate(`window.__skysentinel.isDrawn(${JSON.stringify(left)})`)).toBe(true);
    await screenshot(page, 'thinning-hint');
  });

  it('zoomed in with fewer in view than the budget: no hint, everything in view drawn', async () => {
    await hook(page, (h) => h.setView(40.7, -74, 0.05));
    await expect.poll(() => hook(page, (h) => h.drawn().inView), { timeout: 20_000 }).toBeLessThan(1_000);
    await expect.poll(() => hook(page, (h) => h.drawn().drawn === h.drawn().inView)).toBe(true);
    await expect.poll(() => page.getByTestId('thinned-hint').count()).toBe(0);
    expect(log.errors).toEqual([]);
    expect(log.external).toEqual([]);
  });
});
