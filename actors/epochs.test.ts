import { describe, expect, it } from 'vitest';
import { EpochTracker } from './epochs.ts';

const settled = async (p: Promise<void>) => {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await new Promise((r) => setImmediate(r));
  return done;
};

describe('EpochTracker', () => {
  it('resolves at once with nothing outstanding', async () => {
    expect(await settled(new EpochTracker().drain())).toBe(true);
  });

  it('waits for earlier work only, not for work added after the drain', async () => {
    const t = new EpochTracker();
    const a = t.add();
    const d1 = t.drain();
    const b = t.add(); // a later batch, still running
    expect(await settled(d1)).toBe(false);
    t.done(a);
    expect(await settled(d1)).toBe(true);
    const d2 = t.drain();
    expect(await settled(d2)).toBe(false);
    t.done(b);
    expect(await settled(d2)).toBe(true);
  });

  it('does not resolve when a later epoch finishes before an earlier one', async () => {
    const t = new EpochTracker();
    const a = t.add();
    const d1 = t.drain();
    const b = t.add();
    const d2 = t.drain();
    t.done(b);
    expect(await settled(d1)).toBe(false);
    expect(await settled(d2)).toBe(false);
    t.done(a);
    expect(await settled(d1)).toBe(true);
    expect(await settled(d2)).toBe(true);
    expect(t.outstanding).toBe(0);
  });
});
