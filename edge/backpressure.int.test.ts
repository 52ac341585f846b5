import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BACKPRESSURE } from './fanout.ts';
import { TestClient } from './test-client.ts';

/**
 * A client that stops reading must not grow the server: its frames are skipped while it is over
 * the limit, it gets a fresh snapshot when it drains, and a fast client never notices. The edge
 * runs in its own process so its RSS is the server's alone (measured after a full GC). Slow-ish
 * (~20 s), hence .int.test.ts, though it needs no Kafka or PostGIS.
 */
interface Figures {
  seq: number;
  bytes: number;
  maxBuffered: number;
  rss: number;
  skipped: number;
}

let child: ChildProcess;
let port: number;
let startRss: number;
const WARMUP = 130; // trails hold 120 points
const ROUNDS = 250;

beforeAll(async () => {
  child = fork(fileURLToPath(new URL('./test-edge-process.ts', import.meta.url)), ['3000'], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
  });
  const [ready] = (await once(child, 'message')) as [{ port: number; rss: number }];
  port = ready.port;
  startRss = ready.rss;
});
afterAll(() => {
  child.kill();
});

async function round(n: number, gc = false): Promise<Figures> {
  child.send({ round: n, gc });
  const [m] = (await once(child, 'message')) as [Figures];
  return m;
}

describe('backpressure', () => {
  it('a stalled client is skipped with bounded server memory, resyncs when it drains, and a fast client is unaffected', async () => {
    const url = `ws://127.0.0.1:${port}/ws/flights`;
    const fast = await TestClient.connect(url, {}, { keepFrames: false });
    const slow = await TestClient.connect(url, {}, { keepFrames: false });
    await slow.until(() => slow.mirror.seq !== null, 'slow snapshot');
    await fast.until(() => fast.mirror.seq !== null, 'fast snapshot');
    // Warm up with both clients reading until trails are full and the heap is steady.
    let last: Figures | undefined;
    for (let r = 0; r < WARMUP; r++) {
      last = await round(r, r === WARMUP - 1);
      const seq = last.seq;
      await fast.until(
        () => fast.mirror.seq === seq && slow.mirror.seq === seq,
        `both clients at seq ${seq}`,
      );
    }
    const baseRss = last?.rss ?? startRss;
    const slowSocket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    slowSocket.pause();

    let maxBuffered = 0;
    let maxFrame = 0;
    let peakRss = baseRss;
    for (let r = WARMUP; r < WARMUP + ROUNDS; r++) {
      const measure = r % 25 === 0;
      last = await round(r, measure);
      maxFrame = Math.max(maxFrame, last.bytes / 2);
      maxBuffered = Math.max(maxBuffered, last.maxBuffered);
      if (measure) peakRss = Math.max(peakRss, last.rss);
      const seq = last.seq;
      await fast.until(() => fast.mirror.seq === seq, `fast client at seq ${seq}`);
    }
    const offeredMb = (ROUNDS * maxFrame) / 1e6;
    const growthMb = (peakRss - baseRss) / 1e6;

    // ~550 KB per frame for 250 ticks (~140 MB) was offered to the stalled client; the server
    // held at most its soft limit plus one frame for it and skipped the rest.
    expect(offeredMb).toBeGreaterThan(120);
    expect(maxBuffered).toBeLessThanOrEqual(DEFAULT_BACKPRESSURE.softBytes + maxFrame);
    expect(growthMb).toBeLessThan(offeredMb / 4);
    expect(last?.skipped).toBeGreaterThan(ROUNDS / 2);
    expect(fast.mirror.gaps).toBe(0);
    expect(fast.mirror.flights.size).toBe(3000);
    console.log(
      `stalled client: offered ${offeredMb.toFixed(0)} MB, server RSS +${growthMb.toFixed(1)} MB, max buffered ${maxBuffered} B`,
    );

    // The stalled client reads again: it drains its backlog, gets a snapshot, then deltas.
    slowSocket.resume();
    await slow.until(() => slow.mirror.seq === last?.seq, 'slow client resync', 20_000);
    const next = await round(WARMUP + ROUNDS);
    await slow.until(() => slow.mirror.seq === next.seq, 'slow client follows deltas again', 20_000);
    await fast.until(() => fast.mirror.seq === next.seq, 'fast client follows');
    expect(slow.mirror.gaps).toBe(0); // the skipped frames never look like a gap: the snapshot re-based it
    expect(slow.mirror.flights).toEqual(fast.mirror.flights);
    fast.close();
    slow.close();
  }, 120_000);
});
