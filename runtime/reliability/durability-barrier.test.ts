import { describe, expect, it } from 'vitest';
import { EmbeddedBus } from '../bus/embedded/embedded-bus.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { type EnvelopeHandler, startIngestPipeline } from '../pipeline/ingest-pipeline.ts';
import { testEnvelope } from '../pipeline/pipeline-contract.ts';

/**
 * Found by processor-kill.int.test.ts: after a SIGKILL, history rows were missing although their
 * offsets were committed. The durability barrier asked the sink "is everything written so far
 * durable?" when the batch was dispatched, i.e. before the actors had processed it and written its
 * rows, so it only covered earlier batches. A sink's durable() (like PostgisSink's) covers what was
 * written before the call, so the pipeline must ask after the handler drained.
 */
function asyncHandlerAndSink() {
  const sink = { written: 0, committed: 0, waiters: [] as Array<{ upTo: number; resolve: () => void }> };
  const durable = () =>
    sink.committed >= sink.written
      ? Promise.resolve()
      : new Promise<void>((resolve) => sink.waiters.push({ upTo: sink.written, resolve }));
  const commitAll = () => {
    sink.committed = sink.written;
    for (const w of sink.waiters.splice(0)) w.resolve();
  };
  let pending = 0;
  const handler: EnvelopeHandler = {
    dispatch: () => {
      pending++;
    },
    // Like the actor router: the work (and the history write) happens after dispatch returns.
    drain: () =>
      new Promise((resolve) =>
        setTimeout(() => {
          sink.written += pending;
          pending = 0;
          resolve();
        }, 20),
      ),
  };
  return { sink, durable, commitAll, handler };
}

describe('ingest pipeline durability barrier', () => {
  it('commits a batch only once the rows its handler wrote are durable', async () => {
    const bus = new EmbeddedBus();
    const { sink, durable, commitAll, handler } = asyncHandlerAndSink();
    await bus.ensureTopics([
      { name: 'u', partitions: 1, config: {} },
      { name: 'd', partitions: 1, config: {} },
    ]);
    const pipeline = await startIngestPipeline({
      bus,
      metrics: createMetrics(),
      groupId: 'g',
      topics: { updates: 'u', dlq: 'd' },
      handler,
      durable: [durable],
    });
    await bus.publish(
      'u',
      Array.from({ length: 10 }, (_, i) => ({
        key: 'a00001',
        value: JSON.stringify(testEnvelope('a00001', 1_700_000_000_000 + i * 1000)),
      })),
    );
    const committed = async () => (await bus.committed('g', 'u'))[0]?.offset ?? -1;
    const until = Date.now() + 5_000;
    while (sink.written < 10 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(sink.written).toBe(10);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.committed).toBe(0);
    expect(await committed()).toBeLessThanOrEqual(0); // nothing durable yet: nothing committed
    commitAll();
    while ((await committed()) < 10 && Date.now() < until + 5_000)
      await new Promise((r) => setTimeout(r, 10));
    expect(await committed()).toBe(10);
    await pipeline.stop();
    await bus.close();
  });
});
