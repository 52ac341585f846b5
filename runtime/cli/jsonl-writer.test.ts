import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { jsonlWriter } from './jsonl-writer.ts';

/** A writable that takes each chunk after a tick, with a small buffer: write() soon returns false. */
function slowSink() {
  const chunks: string[] = [];
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      setImmediate(done);
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('jsonlWriter', () => {
  it('flush() resolves when the drain happened before it was called (the detect --output hang)', async () => {
    const { stream, text } = slowSink();
    const w = jsonlWriter(stream);
    for (let i = 0; i < 500; i++) w.write({ i, pad: 'x'.repeat(100) });
    expect(stream.writableNeedDrain).toBe(true);
    await new Promise((r) => stream.once('drain', r)); // drained before anyone asks
    await w.flush(); // used to wait for a second 'drain' that never came
    await w.end();
    const lines = text().trim().split('\n');
    expect(lines).toHaveLength(500);
    expect(JSON.parse(lines[499]!)).toMatchObject({ i: 499 });
  });

  it('flush() waits while a drain is still owed', async () => {
    const { stream } = slowSink();
    const w = jsonlWriter(stream);
    for (let i = 0; i < 100; i++) w.write({ i, pad: 'y'.repeat(100) });
    expect(stream.writableNeedDrain).toBe(true);
    await w.flush();
    expect(stream.writableNeedDrain).toBe(false);
    await w.end();
  });

  it('a write error rejects flush() and end() instead of hanging', async () => {
    const stream = new Writable({
      highWaterMark: 16,
      write(_chunk, _enc, done) {
        setImmediate(() => done(new Error('ENOSPC: no space left on device')));
      },
    });
    const w = jsonlWriter(stream);
    for (let i = 0; i < 10; i++) w.write({ i });
    await expect(w.flush()).rejects.toThrow(/ENOSPC/);
    await expect(w.end()).rejects.toThrow(/ENOSPC/);
  });
});
