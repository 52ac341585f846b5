import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, lineTooLongReason, MAX_LINE_BYTES, type SplitLine } from './line-splitter.ts';

const split = (chunks: Buffer[], max: number): SplitLine[] => {
  const s = new LineSplitter(max);
  return [...chunks.flatMap((c) => s.push(c)), ...s.end()];
};

/** Cuts `buf` at the given offsets into chunks. */
const cut = (buf: Buffer, at: number[]): Buffer[] => {
  const points = [...new Set(at.map((a) => a % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    out.push(buf.subarray(from, p));
    from = p;
  }
  out.push(buf.subarray(from));
  return out;
};

describe('LineSplitter', () => {
  it('gives the lines a plain split gives, whatever the chunking, with multi-byte characters intact', () => {
    const line = fc.string({
      unit: fc.constantFrom('a', 'é', '✈', '{', '"', '\r', '\u{1F6EB}'),
      maxLength: 30,
    });
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 20 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 10 }),
        (lines, trailing, at) => {
          const text = lines.join('\n') + (trailing ? '\n' : '');
          const got = split(cut(Buffer.from(text), at), 1_000);
          let want = text.split('\n');
          if (trailing || text === '') want = want.slice(0, -1);
          if (!trailing && text !== '' && want.at(-1) === '') want = want.slice(0, -1);
          expect(got).toEqual(want.map((t) => ({ text: t.endsWith('\r') ? t.slice(0, -1) : t })));
        },
      ),
    );
  });

  it('an over-long line comes out as its size, the lines around it intact, memory held at most the cap', () => {
    const max = 100;
    const big = 'x'.repeat(10_000);
    const chunks = cut(
      Buffer.from(`a\n${big}\nb\n${'y'.repeat(101)}\n${'z'.repeat(100)}\r\n`),
      [1, 3, 50, 5_000, 10_003],
    );
    expect(split(chunks, max)).toEqual([
      { text: 'a' },
      { overLongBytes: 10_000 },
      { text: 'b' },
      { overLongBytes: 101 },
      { text: 'z'.repeat(100) },
    ]);
  });

  it('a reason names the size and the cap (64 KiB by default)', () => {
    expect(MAX_LINE_BYTES).toBe(65_536);
    expect(lineTooLongReason(200_000_000)).toBe('line_too_long: 200000000 bytes (at most 65536)');
  });
});
