import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnomalyEvent } from '../runtime/contract/anomaly.ts';
import { ensureUiBuilt } from './build.ts';
import { launchBrowser, openPage, type PageLog, screenshot, waitFor } from './e2e/browser.ts';
import { type FixturePipeline, startFixturePipeline } from './e2e/pipeline.ts';
import { BURST_GAP_MS } from './src/core/alert-triage.ts';
import { testAnomaly } from './src/core/test-anomaly.ts';

/**
 * Follow (F) and burst folding, in Chromium against the real edge, actors and producer replaying
 * the NYC fixture. Tests run in order on one page.
 */
const PORT = 18270;

type Hook = {
  totalCount(): number;
  pointOfView(): { lat: number; lng: number; altitude: number };
  cameraDistance(): number;
  screenOf(id: string): { x: number; y: number } | null;
  select(id: string): void;
  setView(lat: number, lon: number, altitude: number): void;
};

/** One frame's look at the camera and an aircraft: where it is drawn against the canvas centre. */
interface Look {
  lat: number;
  lng: number;
  /** Camera distance from the earth's centre (scene units; the globe's radius is 100). */
  dist: number;
  /** Pixels between the aircraft on screen and the canvas centre (null: not on screen). */
  offCentrePx: number | null;
}
const look = (page: Page, id: string): Promise<Look> =>
  page.evaluate((icao) => {
    const h = (window as unknown as { __skysentinel: Hook }).__skysentinel;
    const c = document.querySelector('[data-testid=globe] canvas') as HTMLCanvasElement;
    const pov = h.pointOfView();
    const s = h.screenOf(icao);
    return {
      lat: pov.lat,
      lng: pov.lng,
      dist: h.cameraDistance(),
      offCentrePx: s ? Math.hypot(s.x - c.clientWidth / 2, s.y - c.clientHeight / 2) : null,
    };
  }, id);
/** Great-circle-ish distance between two camera centres, degrees (small angles). */
const movedDeg = (a: Look, b: Look) =>
  Math.hypot(b.lat - a.lat, (b.lng - a.lng) * Math.cos((a.lat * Math.PI) / 180));

/** Not following: the camera stays where it is (under 1e-6°) while the aircraft leaves the middle. */
async function expectCameraHoldsWhileAircraftDrifts(page: Page, id: string): Promise<void> {
  const stopped = await look(page, id);
  const drifted = await waitFor(
    'the aircraft leaving the middle of a camera that holds still',
    async () => {
      const l = await look(page, id);
      return l.offCentrePx === null || l.offCentrePx > 15 ? l : null;
    },
    60_000,
    250,
  );
  expect(movedDeg(stopped, drifted)).toBeLessThan(1e-6);
}

describe('Follow and burst folding against the real edge', () => {
  let pipeline: FixturePipeline;
  let browser: Browser;
  let page: Page;
  let log: PageLog;
  const followPressed = () => page.getByTestId('follow-toggle').getAttribute('aria-pressed');
  const cockpitPressed = () => page.getByTestId('cockpit-toggle').getAttribute('aria-pressed');

  beforeAll(async () => {
    ensureUiBuilt();
    // Slow enough that the fixture is still replaying (aircraft keep moving) for the whole file.
    pipeline = await startFixturePipeline({ port: PORT, speed: 3 });
    browser = await launchBrowser();
    ({ page, log } = await openPage(browser, `${pipeline.url}/`));
    await waitFor(
      'live',
      async () => (await page.getByTestId('connection-state').getAttribute('data-status')) === 'live',
      60_000,
    );
  });

  afterAll(async () => {
    await browser?.close();
    await pipeline?.close();
  });

  /** A fast airborne aircraft with a heading, on the page, and selected with the camera on it. */
  async function selectMovingAircraft(): Promise<string> {
    const id = await waitFor(
      'a fast airborne aircraft on screen',
      async () => {
        const r = (await (await fetch(`${pipeline.url}/flights`)).json()) as {
          flights: {
            icao24: string;
            on_ground: boolean;
            speed_ms: number | null;
            track_deg: number | null;
          }[];
        };
        const fast = r.flights
          .filter((f) => !f.on_ground && (f.speed_ms ?? 0) > 150 && f.track_deg !== null)
          .map((f) => f.icao24);
        return page.evaluate(
          (ids) =>
            ids.find(
              (i) => (window as unknown as { __skysentinel: Hook }).__skysentinel.screenOf(i) !== null,
            ),
          fast,
        );
      },
      90_000,
      500,
    );
    await page.evaluate(
      (icao) => (window as unknown as { __skysentinel: Hook }).__skysentinel.select(icao),
      id,
    );
    await expect.poll(() => page.getByTestId('panel-icao24').textContent()).toBe(id);
    // Selecting flies there; once the camera is still, zoom in over it (a few hundred metres of
    // flight are then pixels on screen).
    const settled = await waitFor('the camera still over the aircraft', async () => {
      const a = await look(page, id);
      await new Promise((r) => setTimeout(r, 300));
      const b = await look(page, id);
      return movedDeg(a, b) < 1e-6 && b.offCentrePx !== null && b.offCentrePx < 100 ? b : null;
    });
    await page.evaluate(
      (v) => (window as unknown as { __skysentinel: Hook }).__skysentinel.setView(v.lat, v.lng, 0.03),
      settled,
    );
    return id;
  }

  it('F keeps the camera centred on the selected aircraft as it moves; F again stops', async () => {
    await waitFor('aircraft on the page', async () =>
      page.evaluate(() => (window as unknown as { __skysentinel: Hook }).__skysentinel.totalCount() > 20),
    );
    const id = await selectMovingAircraft();
    expect(await followPressed()).toBe('false');
    await page.locator('body').press('f');
    await expect.poll(followPressed).toBe('true');
    // Follow is not the cockpit view: the orbit camera stays where it was, only moved along.
    expect(await cockpitPressed()).toBe('false');
    const first = await waitFor('the aircraft in the middle', async () => {
      const l = await look(page, id);
      return l.offCentrePx !== null && l.offCentrePx < 4 ? l : null;
    });
    // Some time later the camera has moved with the aircraft, and it is still in the middle.
    const later = await waitFor(
      'the camera moved along with the aircraft',
      async () => {
        const l = await look(page, id);
        return movedDeg(first, l) > 0.01 && l.offCentrePx !== null && l.offCentrePx < 4 ? l : null;
      },
      60_000,
      250,
    );
    expect(later.offCentrePx).toBeLessThan(4);
    // The zoom is the operator's: following does not change the camera's distance.
    expect(Math.abs(later.dist - first.dist)).toBeLessThan(0.05);
    await screenshot(page, 'follow-01-following');

    // F again: following stops; the camera holds still while the aircraft flies on.
    await page.locator('body').press('f');
    await expect.poll(followPressed).toBe('false');
    await expectCameraHoldsWhileAircraftDrifts(page, id);
  });

  it('Esc stops following (and deselects)', async () => {
    const id = await selectMovingAircraft();
    await page.locator('body').press('f');
    await expect.poll(followPressed).toBe('true');
    await waitFor('the aircraft in the middle', async () => {
      const l = await look(page, id);
      return l.offCentrePx !== null && l.offCentrePx < 4;
    });
    await page.locator('body').press('Escape');
    await expect.poll(() => page.getByTestId('flight-panel').count()).toBe(0);
    await expectCameraHoldsWhileAircraftDrifts(page, id);
  });

  it('Follow is apart from the cockpit view: the cockpit ends it, F does not start it there', async () => {
    const id = await selectMovingAircraft();
    await page.locator('body').press('f');
    await expect.poll(followPressed).toBe('true');
    const orbit = await look(page, id);
    await page.getByTestId('cockpit-toggle').click();
    await expect.poll(cockpitPressed).toBe('true');
    await expect.poll(followPressed).toBe('false');
    // The cockpit camera rides 1.4 km (drawn x6) above the aircraft: far lower than the orbit view.
    await expect.poll(async () => (await look(page, id)).dist).toBeLessThan(orbit.dist - 1);
    await page.locator('body').press('f');
    // Give the key a few frames to (not) act, then check it did not start following.
    await page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))),
    );
    expect(await followPressed()).toBe('false');
    expect(await cockpitPressed()).toBe('true');
    // Esc in the cockpit gives the camera back (the aircraft stays selected); F then follows.
    await page.locator('body').press('Escape');
    await expect.poll(cockpitPressed).toBe('false');
    await page.locator('body').press('f');
    await expect.poll(followPressed).toBe('true');
    await page.locator('body').press('Escape');
    await expect.poll(() => page.getByTestId('flight-panel').count()).toBe(0);
  });

  it('a burst of one type folds into one expandable row with its count; another type stays apart', async () => {
    // Events of the fixture carry the recording's times (weeks ago); these are now, 1 ms apart, so
    // nothing of the replay falls between them or within the fold window of them.
    const t0 = Date.now();
    const ev = (i: number, type: AnomalyEvent['type'], severity: AnomalyEvent['severity']) => {
      const icao24 = (0xfb0000 + i).toString(16);
      return testAnomaly({
        id: `${type}:${icao24}:${t0 + i}`,
        type,
        severity,
        phase: 'open',
        icao24,
        callsign: `BRST${i}`,
        started_at: t0 + i,
        detected_at: t0 + i,
        lat: 40.6,
        lon: -73.8,
        alt_m: 900,
      });
    };
    // Oldest first: four go-arounds, a signal_lost, then one more go-around (newest first in the
    // feed: go-around, signal lost, then the four go-arounds).
    const burst = [0, 1, 2, 3].map((i) => ev(i, 'go_around', 'warning'));
    const other = ev(4, 'signal_lost', 'info');
    const after = ev(5, 'go_around', 'warning');
    expect(after.detected_at - burst[0]!.detected_at).toBeLessThan(BURST_GAP_MS);
    for (const e of [...burst, other, after]) pipeline.publishAnomaly(e);

    // The burst row is the row right after the signal_lost item (newest first).
    const folded = page.locator(
      `[data-testid=anomaly-item][data-id="${other.id}"] + [data-testid=anomaly-burst]`,
    );
    await expect.poll(() => folded.count()).toBe(1);
    expect(await folded.getAttribute('data-type')).toBe('go_around');
    expect(await folded.getAttribute('data-count')).toBe('4');
    expect(await folded.getByTestId('anomaly-burst-toggle').textContent()).toMatch(/4×\s*go around/);
    // Folded: none of its events is an item of its own yet.
    for (const e of burst)
      expect(await page.locator(`[data-testid=anomaly-item][data-id="${e.id}"]`).count()).toBe(0);
    // The other type and the later go-around are rows of their own, not in the burst.
    for (const e of [other, after]) {
      const item = page.locator(`[data-testid=anomaly-item][data-id="${e.id}"]`);
      await expect.poll(() => item.count()).toBe(1);
      expect(await item.evaluate((el) => el.closest('[data-testid=anomaly-burst]') === null)).toBe(true);
    }
    await folded.getByTestId('anomaly-burst-toggle').click();
    await expect
      .poll(() => folded.getByTestId('anomaly-burst-toggle').getAttribute('aria-expanded'))
      .toBe('true');
    // Expanded: each event, newest first, all of the one type.
    await expect
      .poll(() => folded.getByTestId('anomaly-item').evaluateAll((els) => els.map((e) => e.dataset.id)))
      .toEqual(burst.map((e) => e.id).reverse());
    expect(
      await folded.getByTestId('anomaly-item').evaluateAll((els) => els.map((e) => e.dataset.type)),
    ).toEqual(['go_around', 'go_around', 'go_around', 'go_around']);
    await screenshot(page, 'bursts-01-expanded');
    // Collapsing folds them again.
    await folded.getByTestId('anomaly-burst-toggle').click();
    await expect.poll(() => folded.getByTestId('anomaly-item').count()).toBe(0);
    expect(log.errors).toEqual([]);
  });
});
