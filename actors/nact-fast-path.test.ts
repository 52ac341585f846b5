import { dispatch, spawn, start, stop } from 'nact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installNactIdleTimer, nactIdleTimer } from './nact-idle-timer.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('nact idle timer (one refreshed Timeout per actor)', () => {
  installNactIdleTimer();
  afterEach(() => vi.restoreAllMocks());

  it('is active for the nact version it was written for', () => {
    expect(nactIdleTimer.active).toBe(true);
    expect(installNactIdleTimer()).toBe(true); // idempotent
  });

  it('creates no timer per message: 1,000 messages, at most one setTimeout', async () => {
    const system = start();
    let seen = 0;
    const count = (s: number) => {
      seen += 1;
      return s + 1;
    };
    const ref = spawn(system, count, 'counted', {
      shutdownAfter: 60_000,
      initialState: 0,
    } as never);
    const spy = vi.spyOn(globalThis, 'setTimeout');
    for (let i = 0; i < 1000; i++) {
      dispatch(ref, i);
      if (i % 100 === 0) await sleep(0); // let it go idle in between, as live traffic does
    }
    while (seen < 1000) await sleep(1);
    expect(spy.mock.calls.filter((c) => c[1] === 60_000).length).toBeLessThanOrEqual(1);
    stop(system);
  });

  it('stops an actor shutdownAfter ms after it went idle, not while messages keep coming', async () => {
    const system = start();
    let stoppedAt = 0;
    const ref = spawn(system, (s: number) => s, 'idle', {
      shutdownAfter: 60,
      initialState: 0,
      afterStop: () => {
        stoppedAt = Date.now();
      },
    } as never);
    // A message every 20 ms for 300 ms: never idle for 60 ms.
    const t0 = Date.now();
    let lastMessage = t0;
    while (Date.now() - t0 < 300) {
      dispatch(ref, 1);
      lastMessage = Date.now();
      await sleep(20);
    }
    expect(stoppedAt).toBe(0);
    await sleep(250);
    expect(stoppedAt).toBeGreaterThan(0);
    // 60 ms after it went idle (a millisecond of slack for clock rounding), not earlier.
    expect(stoppedAt - lastMessage).toBeGreaterThanOrEqual(59);
    stop(system);
  });

  it('does not stop an actor whose timer fires while it is busy; stops it once idle again', async () => {
    const system = start();
    let stopped = false;
    let finished = false;
    const ref = spawn(
      system,
      async (s: number) => {
        await sleep(150); // longer than shutdownAfter
        finished = true;
        return s;
      },
      'busy',
      {
        shutdownAfter: 40,
        initialState: 0,
        afterStop: () => {
          stopped = true;
        },
      } as never,
    );
    await sleep(20);
    dispatch(ref, 1); // the timer started at spawn fires ~20 ms into the work
    await sleep(100);
    expect(stopped).toBe(false);
    await sleep(60);
    expect(finished).toBe(true);
    await sleep(150);
    expect(stopped).toBe(true);
    stop(system);
  });

  it('stop() clears the timer (a stopped actor keeps no Timeout alive)', async () => {
    const system = start();
    const before = timeouts();
    const refs = Array.from({ length: 20 }, (_, i) =>
      spawn(system, (s: number) => s, `t${i}`, { shutdownAfter: 600_000, initialState: 0 } as never),
    );
    for (const r of refs) dispatch(r, 1);
    await sleep(10);
    expect(timeouts() - before).toBe(20);
    for (const r of refs) stop(r);
    await sleep(10);
    expect(timeouts() - before).toBe(0);
    stop(system);
  });
});
