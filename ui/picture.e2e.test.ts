import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_DIR, ensureUiBuilt } from './build.ts';
import { type FeedServer, startFeedServer } from './dev/feed-server.ts';
import { inPage, launchBrowser, openPage, type PageLog, screenshot, waitFor } from './e2e/browser.ts';

/**
 * The traffic picture, against the protocol-faithful synthetic feed (300 aircraft around New York):
 * the first view frames the traffic and Home restores it, labels when zoomed in, the hover box,
 * the minimum camera distance, and the phone-sized layout.
 */
const PORT = 18260;
const AIRCRAFT = 300;
const CENTRE = { lat: 40.7, lon: -74 };

type Hook = {
  visibleCount(): number;
  pointOfView(): { lat: number; lng: number; altitude: number };
  homeView(): { lat: number; lon: number; altitude: number } | null;
  cameraDistance(): number;
  screenOf(id: string): { x: number; y: number } | null;
  setView(lat: number, lon: number, altitude: number): void;
};
const hook = <T>(page: Page, fn: (h: Hook) => T) => inPage(page, fn);

describe('a readable traffic picture', () => {
  let feed: FeedServer;
  let browser: Browser;
  let page: Page;
  let log: PageLog;

  beforeAll(async () => {
    ensureUiBuilt();
    feed = await startFeedServer({
      port: PORT,
      aircraft: AIRCRAFT,
      staticDir: DIST_DIR,
      centre: CENTRE,
      radiusDeg: 2.5,
      anomalyEveryS: 0,
      updateFraction: 0.1,
    });
    browser = await launchBrowser();
    ({ page, log } = await openPage(browser, `${feed.url}/`));
    await waitFor(
      'every aircraft on the page',
      async () => (await hook(page, (h) => h.visibleCount())) === AIRCRAFT,
      60_000,
    );
  });

  afterAll(async () => {
    await browser?.close();
    await feed?.close();
  });

  it('the first view frames the traffic; Home (H) goes back to it', async () => {
    const home = await waitFor('home view', () => hook(page, (h) => h.homeView()));
    expect(Math.abs(home.lat - CENTRE.lat)).toBeLessThan(2);
    expect(Math.abs(home.lon - CENTRE.lon)).toBeLessThan(2);
    // Zoomed to the traffic, not a whole continent.
    expect(home.altitude).toBeLessThan(0.6);
    const pov = await hook(page, (h) => h.pointOfView());
    expect(Math.abs(pov.altitude - home.altitude)).toBeLessThan(0.05);
    await hook(page, (h) => h.setView(0, 0, 2.5));
    await page.locator('body').press('h');
    const back = await waitFor('back home', async () => {
      const p = await hook(page, (h) => h.pointOfView());
      return Math.abs(p.lat - home.lat) < 0.2 &&
        Math.abs(p.lng - home.lon) < 0.2 &&
        Math.abs(p.altitude - home.altitude) < 0.02
        ? p
        : null;
    });
    expect(back.altitude).toBeCloseTo(home.altitude, 1);
  });

  it('labels (callsign and flight level) when zoomed in', async () => {
    await hook(page, (h) => h.setView(40.7, -74, 0.15));
    const labels = page.getByTestId('aircraft-label');
    const texts = await waitFor('labels', async () => {
      const all = await labels.allTextContents();
      const visible = await page.locator('[data-testid=aircraft-label]:not([hidden])').count();
      return visible >= 5 ? all.slice(0, visible) : null;
    });
    expect(texts.some((t) => /^\S+ (FL\d{3}|GND)$/.test(t))).toBe(true);
    await screenshot(page, 'picture-01-labels');
  });

  it('hovering an aircraft shows its callsign, altitude, speed and trend within 300 ms', async () => {
    // An aircraft with no other within 30 px on screen, so the hover can only be it.
    const flights = feed.traffic.tracks.map((t) => t.icao24);
    const target = await waitFor('a lone aircraft on screen', () =>
      page.evaluate((ids) => {
        const h = (window as unknown as { __skysentinel: Hook }).__skysentinel;
        const pts = ids.map((id) => ({ id, s: h.screenOf(id) })).filter((p) => p.s !== null) as {
          id: string;
          s: { x: number; y: number };
        }[];
        const w = window.innerWidth;
        const ht = window.innerHeight;
        return (
          pts.find(
            (p) =>
              p.s.x > 320 &&
              p.s.x < w - 340 &&
              p.s.y > 80 &&
              p.s.y < ht - 80 &&
              pts.every((q) => q === p || Math.hypot(q.s.x - p.s.x, q.s.y - p.s.y) > 30),
          ) ?? null
        );
      }, flights),
    );
    const callsign = feed.traffic.tracks.find((t) => t.icao24 === target.id)!.callsign ?? target.id;
    // Timed in the page: from the pointer event to the box showing this aircraft.
    await page.evaluate((id) => {
      const w = window as unknown as { __hoverMs?: number };
      w.__hoverMs = undefined;
      let t0 = 0;
      window.addEventListener('pointermove', () => (t0 ||= performance.now()), { capture: true, once: true });
      // Seen as soon as the DOM shows it (a mutation, not the next frame: frames are slow in
      // SwiftShader on a loaded machine, and the box does not wait for one), or at a frame.
      const seen = () => {
        const el = document.querySelector('[data-testid=hover-tooltip]') as HTMLElement | null;
        if (w.__hoverMs === undefined && t0 && el && !el.hidden && el.dataset.icao24 === id)
          w.__hoverMs = performance.now() - t0;
        return w.__hoverMs !== undefined;
      };
      const observer = new MutationObserver(() => seen() && observer.disconnect());
      observer.observe(document.body, {
        subtree: true,
        attributes: true,
        childList: true,
        characterData: true,
      });
      const poll = () => seen() || requestAnimationFrame(poll);
      requestAnimationFrame(poll);
    }, target.id);
    const now = (await page.evaluate(
      (id) => (window as unknown as { __skysentinel: Hook }).__skysentinel.screenOf(id),
      target.id,
    ))!;
    await page.mouse.move(now.x, now.y);
    const ms = await waitFor(
      'hover box',
      () => page.evaluate(() => (window as unknown as { __hoverMs?: number }).__hoverMs),
      10_000,
      50,
    );
    expect(ms).toBeLessThan(300);
    const text = await page.getByTestId('hover-tooltip').textContent();
    expect(text).toContain(callsign);
    expect(text).toMatch(/FL\d{3}|GND/);
    expect(text).toMatch(/kt/);
    expect(text).toMatch(/[↑↓→]/);
    await screenshot(page, 'picture-02-hover');
  });

  it('the camera stops at the minimum distance however far one zooms in', async () => {
    await hook(page, (h) => h.setView(40.7, -74, 0.1));
    await page.mouse.move(640, 400);
    for (let i = 0; i < 30; i++) await page.mouse.wheel(0, -400);
    const d = await waitFor('camera settled', async () => {
      const a = await hook(page, (h) => h.cameraDistance());
      await new Promise((r) => setTimeout(r, 300));
      const b = await hook(page, (h) => h.cameraDistance());
      return Math.abs(a - b) < 1e-3 ? b : null;
    });
    // Globe radius 100; the minimum altitude is 0.02 radii.
    expect(d).toBeGreaterThanOrEqual(102 - 1e-3);
    expect(d).toBeLessThan(103);
  });

  it('390x844: the panels fold into a bottom sheet and most of the globe stays visible', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(`${feed.url}/`);
    await waitFor(
      'live',
      async () => (await phone.getByTestId('connection-state').getAttribute('data-status')) === 'live',
    );
    const covered = () =>
      phone.evaluate(() => {
        // Share of the viewport covered by the UI's boxes (counted on a 10 px grid).
        const boxes = [...document.querySelectorAll('.top-left > *, .right, .banners > *')]
          .map((e) => e.getBoundingClientRect())
          .filter((r) => r.width > 0 && r.height > 0);
        let hit = 0;
        let all = 0;
        for (let y = 5; y < innerHeight; y += 10)
          for (let x = 5; x < innerWidth; x += 10) {
            all++;
            if (boxes.some((r) => x >= r.left && x <= r.right && y >= r.top && y <= r.bottom)) hit++;
          }
        return hit / all;
      });
    const closed = await covered();
    expect(closed).toBeLessThan(0.25);
    await phone.getByTestId('sheet-toggle').click();
    await expect.poll(() => phone.getByTestId('anomaly-feed').isVisible()).toBe(true);
    const open = await covered();
    expect(open).toBeLessThan(0.7);
    await phone.screenshot({
      path: `${(await import('./e2e/browser.ts')).ARTIFACTS_DIR}picture-03-phone.png`,
    });
    await phone.close();
    expect(log.errors).toEqual([]);
  });
});
