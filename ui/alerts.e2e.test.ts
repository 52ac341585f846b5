import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnomalyEvent } from '../runtime/contract/anomaly.ts';
import type { AnomalyBacklog } from '../runtime/contract/protocol.ts';
import { ensureUiBuilt } from './build.ts';
import { launchBrowser, openPage, type PageLog, screenshot, waitFor } from './e2e/browser.ts';
import { FIXTURE_LABELS, type FixturePipeline, startFixturePipeline } from './e2e/pipeline.ts';
import { type CuttableProxy, startProxy } from './e2e/proxy.ts';

/**
 * The exact alert feed and stale data, in Chromium against the real edge, actors and producer
 * replaying the NYC fixture, through a TCP proxy the test cuts and restores (and points at a
 * restarted edge). Tests run in order on one page.
 */
const PORT_A = 18250;
const PORT_B = 18251;
const PROXY_PORT = 18252;

type Hook = {
  alertFeed(): { id: string; phase: string; orphaned: boolean }[];
  alertCursor(): { instance: string | null; cursor: number };
  dimmed(): boolean;
  totalCount(): number;
};
const hook = <T>(page: Page, fn: (h: Hook) => T) =>
  page.evaluate(`(${fn.toString()})(window.__skysentinel)`) as Promise<T>;

const labels = JSON.parse(readFileSync(FIXTURE_LABELS, 'utf8')) as {
  anomalies: { type: string; icao24: string; callsign: string }[];
};
const emergency = labels.anomalies.find((a) => a.type === 'emergency_squawk')!;

/** Every event the edge holds (its whole log, oldest first) and its open set. */
async function edgeLog(url: string): Promise<AnomalyBacklog> {
  return (await (await fetch(`${url}/anomalies?after=0&limit=1000`)).json()) as AnomalyBacklog;
}
/** The latest phase per id, as the edge's log has it (closed beats open). */
function latestPhases(events: AnomalyEvent[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of events) if (m.get(e.id) !== 'closed') m.set(e.id, e.phase);
  return m;
}
/** Ids whose phase on the page differs from the edge's (or that the page lacks). */
async function feedMismatches(page: Page, url: string): Promise<string[]> {
  const want = latestPhases((await edgeLog(url)).anomalies);
  const have = new Map((await hook(page, (h) => h.alertFeed())).map((e) => [e.id, e.phase]));
  return [...want]
    .filter(([id, phase]) => have.get(id) !== phase)
    .map(([id, phase]) => `${id}:${phase}/${have.get(id)}`);
}

describe('exact alert feed and stale data through a cuttable connection', () => {
  let a: FixturePipeline;
  let b: FixturePipeline | null = null;
  let proxy: CuttableProxy;
  let browser: Browser;
  let page: Page;
  let log: PageLog;
  const status = () => page.getByTestId('connection-state').getAttribute('data-status');

  beforeAll(async () => {
    ensureUiBuilt();
    a = await startFixturePipeline({ port: PORT_A, speed: 20 });
    proxy = await startProxy(PORT_A, PROXY_PORT);
    browser = await launchBrowser();
    ({ page, log } = await openPage(browser, `${proxy.url}/`));
  });

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await a?.close().catch(() => {});
    await b?.close();
  });

  it('a drop spanning real anomalies (go-arounds, rapid descent, 7700 open and closed) loses none', async () => {
    await waitFor('live', async () => (await status()) === 'live');
    await waitFor(
      'alert cursor known',
      async () => (await hook(page, (h) => h.alertCursor())).instance !== null,
    );
    proxy.cut();
    const cutAt = Date.now();
    const atCut = (await edgeLog(a.url)).cursor;
    await waitFor('reconnecting', async () => (await status()) === 'reconnecting', 15_000);
    // Stay cut until the fixture's 7700 has opened and closed at the edge, and for at least 20 s
    // (the replay runs at 20x: 400 s of recorded traffic).
    const during = await waitFor(
      'the 7700 closed at the edge while the page is cut off',
      async () => {
        const l = await edgeLog(a.url);
        const closed = l.anomalies.some(
          (e) => e.type === 'emergency_squawk' && e.icao24 === emergency.icao24 && e.phase === 'closed',
        );
        return closed && Date.now() - cutAt >= 20_000 ? l : null;
      },
      120_000,
      500,
    );
    const missed = during.anomalies.slice(Math.max(0, during.anomalies.length - (during.cursor - atCut)));
    const types = new Set(missed.map((e) => e.type));
    // Real anomalies happened during the drop: these never reached the page as frames.
    expect(types.has('emergency_squawk')).toBe(true);
    expect(types.has('go_around')).toBe(true);
    expect(missed.length).toBeGreaterThanOrEqual(4);
    proxy.restore();
    await waitFor('live again', async () => (await status()) === 'live', 60_000);
    const left = await waitFor(
      'every id from /anomalies in the feed with its phase',
      async () => {
        const m = await feedMismatches(page, a.url);
        return m.length === 0 ? m : null;
      },
      30_000,
      500,
    );
    expect(left).toEqual([]);
    const item = page.locator(
      `[data-testid=anomaly-item][data-icao24="${emergency.icao24}"][data-type=emergency_squawk]`,
    );
    await expect.poll(() => item.first().getAttribute('data-phase')).toBe('closed');
    await screenshot(page, 'alerts-01-after-drop');
  });

  it('a reload after the 7700 closed shows it closed', async () => {
    await page.reload();
    await waitFor('live', async () => (await status()) === 'live');
    const id = await waitFor('the 7700 in the feed', async () =>
      (await hook(page, (h) => h.alertFeed())).find((e) =>
        e.id.startsWith(`emergency_squawk:${emergency.icao24}:`),
      ),
    );
    expect(id.phase).toBe('closed');
    const m = await waitFor('feed equal to the edge', async () => {
      const x = await feedMismatches(page, a.url);
      return x.length === 0 ? x : null;
    });
    expect(m).toEqual([]);
  });

  it('an edge restart leaves no orphaned open alert', async () => {
    // An alert that is open on edge A, then A goes away for good.
    const now = Date.now();
    const orphan: AnomalyEvent = {
      v: 1,
      id: `signal_lost:abcdef:${now}`,
      type: 'signal_lost',
      phase: 'open',
      severity: 'info',
      icao24: 'abcdef',
      callsign: 'ORPHAN1',
      started_at: now,
      detected_at: now,
      ended_at: null,
      lat: 40.6,
      lon: -73.8,
      alt_m: 3000,
      airport: null,
      details: {},
    };
    a.publishAnomaly(orphan);
    await waitFor('the open alert on the page', async () =>
      (await hook(page, (h) => h.alertFeed())).some((e) => e.id === orphan.id && e.phase === 'open'),
    );
    const before = (await hook(page, (h) => h.alertCursor())).instance;
    await a.close();
    b = await startFixturePipeline({ port: PORT_B, speed: 5 });
    proxy.retarget(PORT_B);
    await waitFor(
      'a hello from the new edge',
      async () => {
        const c = await hook(page, (h) => h.alertCursor());
        return c.instance !== null && c.instance !== before;
      },
      60_000,
    );
    const bUrl = b.url;
    const orphans = await waitFor(
      'every open alert on the page open on the new edge',
      async () => {
        const open = new Set((await edgeLog(bUrl)).open.map((e) => e.id));
        const feed = await hook(page, (h) => h.alertFeed());
        const stray = feed.filter((e) => e.phase === 'open' && !open.has(e.id)).map((e) => e.id);
        return stray.length === 0 ? feed : null;
      },
      30_000,
      500,
    );
    expect(orphans.find((e) => e.id === orphan.id)).toEqual({
      id: orphan.id,
      phase: 'closed',
      orphaned: true,
    });
    await expect
      .poll(() =>
        page.locator(`[data-testid=anomaly-item][data-id="${orphan.id}"]`).getAttribute('data-phase'),
      )
      .toBe('closed');
  });

  it('the edge cut off: stale banner within 6 s, dimmed aircraft; all clear on the next frame', async () => {
    await waitFor(
      'aircraft from the new edge',
      async () => (await hook(page, (h) => h.totalCount())) > 20,
      60_000,
    );
    await waitFor('fresh data', async () => (await page.getByTestId('stale-banner').count()) === 0);
    // In-page timestamp of the banner's appearance, against the wall clock of the cut.
    await page.evaluate(() => {
      const w = window as unknown as { __staleAt?: number };
      w.__staleAt = undefined;
      new MutationObserver((_, obs) => {
        if (document.querySelector('[data-testid=stale-banner]')) {
          w.__staleAt = Date.now();
          obs.disconnect();
        }
      }).observe(document.body, { childList: true, subtree: true });
    });
    const cutAt = Date.now();
    proxy.cut();
    const shownAt = await waitFor(
      'stale banner',
      () => page.evaluate(() => (window as unknown as { __staleAt?: number }).__staleAt),
      20_000,
      100,
    );
    expect(shownAt - cutAt).toBeLessThan(6000);
    expect(await hook(page, (h) => h.dimmed())).toBe(true);
    expect(await page.getByTestId('connection-state').textContent()).toMatch(/no data for \d+ s/);
    await screenshot(page, 'alerts-02-stale');
    proxy.restore();
    await waitFor(
      'banner gone after the next frame',
      async () => (await page.getByTestId('stale-banner').count()) === 0,
      60_000,
    );
    expect(await hook(page, (h) => h.dimmed())).toBe(false);
    expect(
      log.errors.filter(
        (e) => !/WebSocket connection .* failed|ERR_CONNECTION|Failed to load resource/.test(e),
      ),
    ).toEqual([]);
  });

  it('a 7700: the critical banner within 1 s; a click flies to it; acknowledging survives a reload', async () => {
    const bp = b!;
    const t = await waitFor('an airborne aircraft on the new edge', async () => {
      const r = (await (await fetch(`${bp.url}/flights`)).json()) as {
        flights: { icao24: string; callsign: string | null; lat: number; lon: number; on_ground: boolean }[];
      };
      return r.flights.find((f) => !f.on_ground && f.callsign);
    });
    await page.evaluate(() => {
      const w = window as unknown as { __bannerAt?: number };
      w.__bannerAt = undefined;
      new MutationObserver((_, obs) => {
        if (document.querySelector('[data-testid=critical-banner][data-id^="emergency_squawk:"]')) {
          w.__bannerAt = Date.now();
          obs.disconnect();
        }
      }).observe(document.body, { childList: true, subtree: true, attributes: true });
    });
    const now = Date.now();
    const sq: AnomalyEvent = {
      v: 1,
      id: `emergency_squawk:${t.icao24}:${now}`,
      type: 'emergency_squawk',
      phase: 'open',
      severity: 'critical',
      icao24: t.icao24,
      callsign: t.callsign,
      started_at: now,
      detected_at: now,
      ended_at: null,
      lat: t.lat,
      lon: t.lon,
      alt_m: 3000,
      airport: null,
      details: { squawk: '7700', meaning: 'emergency' },
    };
    const publishedAt = Date.now();
    bp.publishAnomaly(sq);
    const shownAt = await waitFor(
      'critical banner',
      () => page.evaluate(() => (window as unknown as { __bannerAt?: number }).__bannerAt),
      20_000,
      50,
    );
    expect(shownAt - publishedAt).toBeLessThan(1000);
    expect(await page.getByTestId('critical-banner').textContent()).toContain('7700');
    expect(await page.title()).toMatch(/^⚠ \(\d+\) SkySentinel$/);
    await page.getByTestId('critical-fly').click();
    await expect.poll(() => page.getByTestId('panel-icao24').textContent()).toBe(t.icao24);
    await screenshot(page, 'alerts-03-critical');
    // Acknowledge it in the feed: the banner goes, and stays gone after a reload.
    await page.locator(`[data-testid=anomaly-item][data-id="${sq.id}"] [data-testid=anomaly-ack]`).click();
    await expect.poll(() => page.getByTestId('critical-banner').count()).toBe(0);
    await page.reload();
    await waitFor('live', async () => (await status()) === 'live');
    const item = page.locator(`[data-testid=anomaly-item][data-id="${sq.id}"]`);
    await item.waitFor({ timeout: 30_000 });
    expect(await item.getAttribute('data-acked')).toBe('true');
    expect(await item.getAttribute('data-phase')).toBe('open');
    expect(await page.getByTestId('critical-banner').count()).toBe(0);
  });

  it('type chips filter the feed; open only hides closed ones', async () => {
    const items = page.getByTestId('anomaly-item');
    await waitFor('some alerts', async () => (await items.count()) > 0);
    const chip = page.locator('[data-testid=type-chip][data-type=emergency_squawk]');
    await expect.poll(() => chip.getAttribute('aria-pressed')).toBe('true');
    const count = Number(await chip.locator('b').textContent());
    expect(count).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=anomaly-item][data-type=emergency_squawk]').count()).toBe(count);
    await chip.click();
    await expect
      .poll(() => page.locator('[data-testid=anomaly-item][data-type=emergency_squawk]').count())
      .toBe(0);
    await chip.click();
    await expect
      .poll(() => page.locator('[data-testid=anomaly-item][data-type=emergency_squawk]').count())
      .toBe(count);
    await page.getByTestId('alert-open-only').check();
    await expect.poll(() => page.locator('[data-testid=anomaly-item][data-phase=closed]').count()).toBe(0);
    expect(await page.locator('[data-testid=anomaly-item][data-phase=open]').count()).toBeGreaterThan(0);
    await page.getByTestId('alert-open-only').uncheck();
  });

  it('the picture for docs/ui.md: New York zoomed in, labels and glyphs', async () => {
    await page
      .getByTestId('panel-close')
      .click()
      .catch(() => {});
    await page.evaluate(() =>
      (
        window as unknown as { __skysentinel: { setView(a: number, b: number, c: number): void } }
      ).__skysentinel.setView(40.7, -73.9, 0.12),
    );
    await waitFor(
      'labels',
      async () => (await page.locator('[data-testid=aircraft-label]:not([hidden])').count()) >= 5,
    );
    await new Promise((r) => setTimeout(r, 1500));
    await screenshot(page, 'ui-picture');
  });
});
