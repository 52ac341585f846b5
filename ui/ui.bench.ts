/**
 * Browser benchmark (not a test): the built UI in headless Chromium (SwiftShader WebGL) fed by
 * the synthetic feed server at 4 Hz. For 1,000 and 15,000 aircraft: main-thread time to apply
 * one batch of deltas (store + GPU layer + counts; JSON.parse runs in the feed worker and is
 * reported apart), the frame time p50/p95, and the CPU time the browser's processes used per
 * frame drawn (renderer, GPU process with SwiftShader's threads, browser: /proc), which, unlike
 * the frame interval, does not grow when other work on a shared machine takes the CPU away.
 * Runs alternate sizes (1k, 15k, 1k, 15k) so machine noise hits both alike; then stress cases.
 * The same pair again zoomed in over the traffic (glyphs rotated by track and labels drawn).
 * Per scene it prints the ratio 15,000 / 1,000 of both per-frame figures, per round and the
 * median. `npm run bench:ui` (env BENCH_UI_SECONDS=10, BENCH_UI_ROUNDS=2, BENCH_UI_STRESS=0
 * skips the stress cases, BENCH_UI_DIST serves another build). Last line: JSON figures.
 */
import type { Page } from 'playwright-core';
import { median } from '../runtime/testing/stats.ts';
import { DIST_DIR, ensureUiBuilt } from './build.ts';
import { startFeedServer } from './dev/feed-server.ts';
import { launchBrowser, openPage, waitFor } from './e2e/browser.ts';
import { descendantCpuMs } from './e2e/process-cpu.ts';

const SECONDS = Number(process.env.BENCH_UI_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_UI_ROUNDS ?? 2);
const PORT = 18220;
/** Serve this build instead of ui/dist (before/after comparisons of two builds in one session). */
const DIST = process.env.BENCH_UI_DIST ?? DIST_DIR;

interface Case {
  name: string;
  aircraft: number;
  /** Share of aircraft in each delta. */
  updateFraction: number;
  /** Camera [lat, lon, altitude in globe radii]; default: the first view (framing the traffic). */
  view?: [number, number, number];
}
/** Zoomed in over the traffic's centre: aircraft drawn as glyphs rotated by track, with labels. */
const ZOOMED: [number, number, number] = [40.7, -74, 0.3];
/**
 * 0.05 per 4 Hz delta = each aircraft changes every 5 s: the cadence of OpenSky states and of the
 * NYC fixture (labels cadence_s). The edge sends only what changed, so this is the normal load.
 */
const CASES: Case[] = [
  { name: '1k', aircraft: 1_000, updateFraction: 0.05 },
  { name: '15k', aircraft: 15_000, updateFraction: 0.05 },
  { name: '1k_zoomed', aircraft: 1_000, updateFraction: 0.05, view: ZOOMED },
  { name: '15k_zoomed', aircraft: 15_000, updateFraction: 0.05, view: ZOOMED },
];
/** Stress, once each at the end: every aircraft every second, and every aircraft every tick. */
const STRESS: Case[] = [
  { name: '15k_each_1s', aircraft: 15_000, updateFraction: 0.25 },
  { name: '15k_each_tick', aircraft: 15_000, updateFraction: 1 },
];

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const r2 = (x: number) => Math.round(x * 100) / 100;

type Hook = {
  frameIntervals(n: number): number[];
  frameCount(): number;
  deltaStats(): { merged: number; upserts: number; parseMs: number; applyMs: number }[];
  visibleCount(): number;
  /** Absent in builds before thinning. */
  drawn?(): { drawn: number; inView: number };
};

async function measure(page: Page, c: Case) {
  await waitFor(
    `${c.aircraft} aircraft on the page`,
    () =>
      page.evaluate(
        (n) => (window as unknown as { __skysentinel?: Hook }).__skysentinel?.visibleCount() === n,
        c.aircraft,
      ),
    120_000,
    500,
  );
  if (c.view) {
    await page.evaluate(
      (v) =>
        (
          window as unknown as { __skysentinel: { setView(a: number, b: number, c: number): void } }
        ).__skysentinel.setView(...v),
      c.view,
    );
  }
  await new Promise((r) => setTimeout(r, 3000)); // warm-up: JIT, first uploads
  const before = await page.evaluate(() => {
    const h = (window as unknown as { __skysentinel: Hook }).__skysentinel;
    return { frames: h.frameCount(), deltas: h.deltaStats().length };
  });
  const cpuBefore = descendantCpuMs();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const after = await page.evaluate(() => {
    const h = (window as unknown as { __skysentinel: Hook }).__skysentinel;
    return { frames: h.frameCount(), intervals: h.frameIntervals(2000), deltas: h.deltaStats() };
  });
  const cpuMs = descendantCpuMs() - cpuBefore;
  const labels = await page.locator('[data-testid=aircraft-label]:not([hidden])').count();
  const drawn = await page.evaluate(
    () => (window as unknown as { __skysentinel: Hook }).__skysentinel.drawn?.() ?? { drawn: -1, inView: -1 },
  );
  // Only the frames drawn inside the window (the hook keeps the last 1,000-2,000 intervals).
  const inWindow = after.frames - before.frames;
  const frames = inWindow > 0 ? after.intervals.slice(-inWindow) : [];
  const deltas = after.deltas.slice(before.deltas);
  const applyMs = deltas.map((d) => d.applyMs);
  return {
    /** Aircraft labels on screen at the end of the window. */
    labels,
    /** Aircraft the globe draws of those in view (the "N of M shown" hint when fewer). */
    drawn: drawn.drawn,
    in_view: drawn.inView,
    frames: frames.length,
    frame_p50_ms: r2(pct(frames, 50)),
    frame_p95_ms: r2(pct(frames, 95)),
    /** CPU time of all the browser's processes over the window, per frame drawn in it. */
    cpu_ms_per_frame: r2(inWindow > 0 ? cpuMs / inWindow : Number.NaN),
    /** Server deltas applied in the window (4 per second when the page keeps up). */
    deltas: deltas.reduce((n, d) => n + d.merged, 0),
    /** Batches the page applied: the feed worker merges deltas that arrive within one frame. */
    batches: deltas.length,
    upserts_per_batch_p50: pct(
      deltas.map((d) => d.upserts),
      50,
    ),
    apply_p50_ms: r2(pct(applyMs, 50)),
    apply_p95_ms: r2(pct(applyMs, 95)),
    worker_parse_p50_ms: r2(
      pct(
        deltas.map((d) => d.parseMs),
        50,
      ),
    ),
  };
}

async function run(c: Case, port: number) {
  const feed = await startFeedServer({
    port,
    aircraft: c.aircraft,
    tickHz: 4,
    updateFraction: c.updateFraction,
    anomalyEveryS: 0,
    staticDir: DIST,
  });
  const browser = await launchBrowser();
  try {
    const { page, log } = await openPage(browser, `${feed.url}/`);
    const m = await measure(page, c);
    if (log.errors.length) console.log(`  console errors: ${log.errors.join(' | ')}`);
    return m;
  } finally {
    await browser.close();
    await feed.close();
  }
}

if (!process.env.BENCH_UI_DIST) ensureUiBuilt();
const results: Record<string, ReturnType<typeof measure> extends Promise<infer T> ? T[] : never> = {};
let port = PORT;
for (let round = 0; round < ROUNDS; round++) {
  for (const c of CASES) {
    console.log(
      `round ${round + 1}/${ROUNDS}: ${c.name} (${c.aircraft} aircraft, ${c.updateFraction * 100} % per delta), ${SECONDS} s`,
    );
    const m = await run(c, port++);
    console.log(`  ${JSON.stringify(m)}`);
    results[c.name] = [...(results[c.name] ?? []), m];
  }
}
const stress: Record<string, Awaited<ReturnType<typeof measure>>> = {};
for (const c of process.env.BENCH_UI_STRESS === '0' ? [] : STRESS) {
  console.log(
    `stress: ${c.name} (${c.aircraft} aircraft, ${c.updateFraction * 100} % per delta), ${SECONDS} s`,
  );
  stress[c.name] = await run(c, port++);
  console.log(`  ${JSON.stringify(stress[c.name])}`);
}

// Per case: the median over rounds of each figure.
const summary: Record<string, Record<string, number>> = {};
for (const [name, runs] of Object.entries(results)) {
  summary[name] = {};
  for (const k of Object.keys(runs[0]!) as (keyof (typeof runs)[0])[])
    summary[name][k] = pct(
      runs.map((r) => r[k]),
      50,
    );
}
// "15,000 no slower per frame than 1,000": the ratio of the two per scene, per round and the median.
const ratios: Record<string, Record<string, number[]>> = {};
for (const [scene, small, large] of [
  ['hemisphere', '1k', '15k'],
  ['zoomed', '1k_zoomed', '15k_zoomed'],
] as const) {
  ratios[scene] = {};
  for (const k of ['frame_p50_ms', 'frame_p95_ms', 'cpu_ms_per_frame'] as const) {
    const per = (results[large] ?? []).map((r, i) => r2(r[k] / results[small]![i]![k]));
    ratios[scene][k] = per;
    console.log(`ratio 15,000/1,000, ${scene}, ${k}: median ${r2(median(per))} (rounds: ${per.join(', ')})`);
  }
}
console.log(
  JSON.stringify({
    bench: 'ui',
    seconds: SECONDS,
    rounds: ROUNDS,
    tick_hz: 4,
    ...summary,
    ...stress,
    ratio_15k_over_1k: ratios,
  }),
);
