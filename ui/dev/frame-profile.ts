/**
 * Where a frame's time goes (not a test, not the benchmark): the built UI in headless Chromium
 * against the synthetic feed, N aircraft, optionally zoomed in; a CPU profile of the page's main
 * thread over a window (self time per function, per drawn frame) and a trace of the GPU process
 * (SwiftShader rasterises there). `npx tsx ui/dev/frame-profile.ts --aircraft 15000 [--zoomed]`.
 */
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { DIST_DIR, ensureUiBuilt } from '../build.ts';
import { launchBrowser, openPage, waitFor } from '../e2e/browser.ts';
import { descendantCpuMsByThread } from '../e2e/process-cpu.ts';
import { startFeedServer } from './feed-server.ts';

const { values } = parseArgs({
  options: {
    aircraft: { type: 'string', default: '15000' },
    zoomed: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '6' },
    port: { type: 'string', default: '18225' },
    /** Serve this build instead of ui/dist (A/B comparisons of two builds). */
    dist: { type: 'string' },
  },
});
const N = Number(values.aircraft);
const SECONDS = Number(values.seconds);

type Hook = { visibleCount(): number; frameCount(): number; setView(a: number, b: number, c: number): void };
const hook = <T>(page: Page, fn: (h: Hook) => T) =>
  page.evaluate(`(${fn.toString()})(window.__skysentinel)`) as Promise<T>;

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  dur?: number;
  ts: number;
  args?: { name?: string };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

if (!values.dist) ensureUiBuilt();
const feed = await startFeedServer({
  port: Number(values.port),
  aircraft: N,
  tickHz: 4,
  updateFraction: 0.05,
  anomalyEveryS: 0,
  staticDir: values.dist ?? DIST_DIR,
});
const browser = await launchBrowser();
try {
  const { page } = await openPage(browser, `${feed.url}/`);
  await waitFor('all aircraft', async () => (await hook(page, (h) => h.visibleCount())) === N, 120_000, 500);
  if (values.zoomed) await hook(page, (h) => h.setView(40.7, -74, 0.3));
  await new Promise((r) => setTimeout(r, 3000));
  // A trace of every process' threads over the same window: busy time per thread per frame, and
  // the top event names of the renderer's main thread and the GPU process.
  if (process.env.TRACE !== '0')
    await browser.startTracing(page, {
      categories: [
        'toplevel',
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'gpu',
        'blink',
        'cc',
        'viz',
      ],
    });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  const f0 = await hook(page, (h) => h.frameCount());
  const cpu0 = descendantCpuMsByThread();
  await cdp.send('Profiler.start');
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as {
    profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  };
  const frames = (await hook(page, (h) => h.frameCount())) - f0;
  const cpu1 = descendantCpuMsByThread();
  let cpuTotal = 0;
  const cpuBy: string[] = [];
  for (const [k, v] of cpu1) {
    const d = v - (cpu0.get(k) ?? 0);
    cpuTotal += d;
    if (d / frames >= 0.5) cpuBy.push(`${k} ${(d / frames).toFixed(1)}`);
  }
  const cpuPerFrame = cpuTotal / frames;
  console.log(`  CPU ms per frame by process/thread: ${cpuBy.join(', ')}`);
  if (process.env.TRACE !== '0') {
    const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
    reportTrace(trace.traceEvents, frames);
  }
  const byNode = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const self = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const us = byNode.get(n.id) ?? 0;
    const f = n.callFrame;
    const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + us);
    if (!['(idle)', '(program)', '(garbage collector)'].includes(f.functionName)) total += us;
    else if (f.functionName === '(garbage collector)') total += us;
  }
  const wall = SECONDS * 1000;
  console.log(
    `${N} aircraft${values.zoomed ? ' zoomed' : ''}: ${frames} frames in ${SECONDS} s (${(wall / frames).toFixed(1)} ms/frame); browser CPU ${cpuPerFrame.toFixed(1)} ms/frame; main-thread JS+GC ${(total / 1000 / frames).toFixed(2)} ms/frame; idle ${((self.get('(idle) :-1') ?? 0) / 1000 / frames).toFixed(1)} ms/frame`,
  );
  for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 18))
    console.log(`  ${(us / 1000 / frames).toFixed(3).padStart(8)} ms/frame  ${k}`);
  // Who calls the heaviest native calls (self time by the JS caller's stack, 4 frames up).
  const parent = new Map<number, ProfileNode>();
  const nodeById = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const callers = new Map<string, number>();
  for (const n of profile.nodes) {
    if (
      !['setAttribute', 'postMessage', 'bufferSubData', 'requestAnimationFrame'].includes(
        n.callFrame.functionName,
      )
    )
      continue;
    const us = byNode.get(n.id) ?? 0;
    if (!us) continue;
    const chain: string[] = [n.callFrame.functionName];
    for (let p = parent.get(n.id), i = 0; p && i < 5; p = parent.get(p.id), i++)
      chain.push(`${p.callFrame.functionName || '(anon)'}:${p.callFrame.lineNumber}`);
    const k = chain.join(' < ');
    callers.set(k, (callers.get(k) ?? 0) + us);
  }
  void nodeById;
  for (const [k, us] of [...callers].sort((a, b) => b[1] - a[1]).slice(0, 8))
    console.log(`  ${(us / 1000 / frames).toFixed(3).padStart(8)} ms/frame  ${k}`);
} finally {
  await browser.close();
  await feed.close();
}

/** Busy time per thread (toplevel tasks) and, per busy thread, its heaviest event names; ms per frame. */
function reportTrace(events: TraceEvent[], frames: number): void {
  const names = new Map<string, string>();
  const procs = new Map<number, string>();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');
    if (e.ph === 'M' && e.name === 'process_name') procs.set(e.pid, e.args?.name ?? '?');
  }
  const busy = new Map<string, number>();
  const byName = new Map<string, Map<string, number>>();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined) continue;
    const k = `${e.pid}:${e.tid}`;
    if (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'ThreadPool_RunTask')
      busy.set(k, (busy.get(k) ?? 0) + e.dur);
    const m = byName.get(k) ?? new Map<string, number>();
    m.set(e.name, (m.get(e.name) ?? 0) + e.dur);
    byName.set(k, m);
  }
  console.log('  trace, busy ms per frame by thread (toplevel tasks):');
  for (const [k, us] of [...busy].sort((a, b) => b[1] - a[1]).slice(0, 8)) {
    const pid = Number(k.split(':')[0]);
    console.log(
      `    ${(us / 1000 / frames).toFixed(2).padStart(8)}  ${procs.get(pid) ?? pid} / ${names.get(k) ?? k}`,
    );
    const top = [...(byName.get(k) ?? [])].sort((a, b) => b[1] - a[1]).slice(0, 10);
    for (const [n, d] of top) console.log(`        ${(d / 1000 / frames).toFixed(2).padStart(8)}  ${n}`);
  }
}
