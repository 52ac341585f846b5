import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.ts';
import { kafkajsModule } from './kafkajs-internals.ts';

const kafkajsCrc32c = kafkajsModule<(b: Buffer) => number>('src/protocol/recordBatch/crc32C/index.js');

describe('crc32c', () => {
  it('equals kafkajs crc32C on any bytes and any sub-range', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const buf = Buffer.from(bytes);
        expect(crc32c(buf)).toBe(kafkajsCrc32c(buf));
        const start = buf.length ? a % buf.length : 0;
        const end = start + (buf.length - start ? b % (buf.length - start + 1) : 0);
        expect(crc32c(buf, start, end)).toBe(kafkajsCrc32c(buf.subarray(start, end)));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });
});
