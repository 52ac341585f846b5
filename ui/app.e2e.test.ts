import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Track } from '../runtime/contract/track.ts';
import { ensureUiBuilt } from './build.ts';
import { drawnPixels, launchBrowser, openPage, type PageLog, screenshot, waitFor } from './e2e/browser.ts';
import { FIXTURE_LABELS, type FixturePipeline, startFixturePipeline } from './e2e/pipeline.ts';

/**
 * The built UI in headless Chromium against the real edge, actors and producer, replaying the
 * NYC fixture (22 recorded minutes) at 20x. Tests run in order on one page: the cockpit and
 * anomaly steps need the replay still running; the count steps wait until it is over (then the
 * board is still, so the page and GET /flights can be compared exactly).
 */
const PORT = 18230;
const SPEED = 20;

type Hook = {
  visibleCount(): number;
  subscribedBBox(): [number, number, number, number] | null;
  cameraPosition(): { x: number; y: number; z: number };
};
const hook = <T>(page: Page, fn: (h: Hook) => T) =>
  page.evaluate(`(${fn.toString()})(window.__skysentinel)`) as Promise<T>;

describe('globe UI against the real edge and a fixture replay', () => {
  let pipeline: FixturePipeline;
  let browser: Browser;
  let page: Page;
  let log: PageLog;
  const labels = JSON.parse(readFileSync(FIXTURE_LABELS, 'utf8')) as {
    anomalies: { type: string; icao24: string; callsign: string }[];
  };

  const flights = async (): Promise<Track[]> => {
    const bbox = await hook(page, (h) => h.subscribedBBox());
    const res = await fetch(`${pipeline.url}/flights${bbox ? `?bbox=${bbox.join(',')}` : ''}`);
    return ((await res.json()) as { flights: Track[] }).flights;
  };
  const shownCount = async () => Number(await page.getByTestId('visible-count').textContent());

  beforeAll(async () => {
    ensureUiBuilt();
    pipeline = await startFixturePipeline({ port: PORT, speed: SPEED });
    browser = await launchBrowser();
    ({ page, log } = await openPage(browser, `${pipeline.url}/`));
  });

  afterAll(async () => {
    await browser?.close();
    await pipeline?.close();
  });

  it('loads with no console errors, connects, and the canvas really draws', async () => {
    await waitFor(
      'connection live',
      async () => (await page.getByTestId('connection-state').getAttribute('data-status')) === 'live',
    );
    await waitFor('aircraft on the page', async () => (await shownCount()) > 0);
    const px = await waitFor('globe drawn', async () => {
      const p = await drawnPixels(page);
      return p.drawn > p.total * 0.05 ? p : undefined;
    });
    await screenshot(page, '01-loaded');
    expect(px.drawn).toBeGreaterThan(px.total * 0.05);
    expect(log.errors).toEqual([]);
    expect(log.external).toEqual([]);
  });

  it('cockpit view moves the camera with the aircraft, and leaving it gives the camera back', async () => {
    const moving = await waitFor('a fast airborne aircraft', async () =>
      (await flights()).find((t) => !t.on_ground && (t.speed_ms ?? 0) > 120 && t.callsign),
    );
    await page.evaluate(`window.__skysentinel.select(${JSON.stringify(moving.icao24)})`);
    await expect.poll(() => page.getByTestId('panel-icao24').textContent()).toBe(moving.icao24);
    await page.getByTestId('cockpit-toggle').click();
    await expect.poll(() => page.getByTestId('cockpit-toggle').getAttribute('aria-pressed')).toBe('true');
    const a = await hook(page, (h) => h.cameraPosition());
    await new Promise((r) => setTimeout(r, 1500));
    const b = await hook(page, (h) => h.cameraPosition());
    await screenshot(page, '02-cockpit');
    const moved = Math.hypot(b.x - a.x, b.y - a.y, b.z - a.z);
    // Close to the surface (globe radius 100): the camera follows the aircraft, not the whole globe.
    expect(Math.hypot(b.x, b.y, b.z)).toBeLessThan(103);
    expect(moved).toBeGreaterThan(0.001);
    await page.getByTestId('cockpit-toggle').click();
    await expect.poll(() => page.getByTestId('cockpit-toggle').getAttribute('aria-pressed')).toBe('false');
  });

  it('an anomaly from the fixture shows in the feed, and clicking it opens that aircraft', async () => {
    const goAround = labels.anomalies.find((a) => a.type === 'go_around')!;
    const item = page.locator(`[data-testid=anomaly-item][data-icao24="${goAround.icao24}"]`).first();
    await item.waitFor({ timeout: 90_000 });
    expect(await item.getAttribute('data-type')).toBe('go_around');
    await item.click();
    await expect.poll(() => page.getByTestId('panel-callsign').textContent()).toBe(goAround.callsign);
    await screenshot(page, '03-anomaly-feed');
  });

  it('after the replay, the count shown equals GET /flights', async () => {
    await pipeline.settled();
    // Both sides read in each poll: the board may still change (an aircraft going stale) meanwhile.
    const both = async () => ({ shown: await shownCount(), served: (await flights()).length });
    await expect
      .poll(async () => {
        const b = await both();
        return b.shown === b.served;
      })
      .toBe(true);
    const { served: expected } = await both();
    expect(expected).toBeGreaterThan(50);
    await screenshot(page, '04-count');
  });

  it('an altitude filter lowers the count to what /flights says is in the range', async () => {
    const all = await flights();
    const [lo, hi] = [3000, 9000];
    // The filter in metres (the default display is feet).
    await page.getByTestId('units-metric').click();
    const expected = all.filter((t) => t.alt_m !== null && t.alt_m >= lo && t.alt_m <= hi).length;
    await page.getByTestId('filter-alt-min').fill(String(lo));
    await page.getByTestId('filter-alt-max').fill(String(hi));
    await expect.poll(shownCount).toBe(expected);
    expect(expected).toBeLessThan(all.length);
    expect(expected).toBeGreaterThan(0);
    await screenshot(page, '05-altitude-filter');
    await page.getByTestId('filter-alt-min').fill('');
    await page.getByTestId('filter-alt-max').fill('');
    await expect.poll(shownCount).toBe(all.length);
  });

  it('searching a callsign and pressing Enter opens its panel with the right callsign', async () => {
    const t = (await flights()).find((f) => f.callsign && !f.on_ground)!;
    await page.getByTestId('filter-search').fill(t.callsign!);
    await page.getByTestId('filter-search').press('Enter');
    await expect.poll(() => page.getByTestId('panel-callsign').textContent()).toBe(t.callsign);
    expect(await page.getByTestId('panel-icao24').textContent()).toBe(t.icao24);
    await expect
      .poll(async () => Number(await page.getByTestId('panel-profile').getAttribute('data-points')))
      .toBeGreaterThan(1);
    await screenshot(page, '06-panel');
    expect(log.errors).toEqual([]);
    expect(log.external).toEqual([]);
  });
});
