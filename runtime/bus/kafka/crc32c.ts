/**
 * CRC-32C (Castagnoli), the checksum of Kafka's v2 record batches, slicing-by-8: eight tables, eight
 * input bytes per step (read as two 32-bit words on little-endian machines), so the lookups of one
 * step do not wait on each other. kafkajs computes it a byte at a time (one dependent lookup per
 * byte, 7-10 ns/byte here against ~1), which was ~7% of producer CPU; the result is the same number
 * (crc32c.test.ts checks it against kafkajs's own crc32C).
 */
import { endianness } from 'node:os';

const LITTLE_ENDIAN = endianness() === 'LE';
const POLY = 0x82f63b78; // reflected Castagnoli polynomial

const TABLES = (() => {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

/** CRC-32C of `buf[start, end)` as an unsigned 32-bit number. */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  const t = TABLES;
  let crc = -1;
  let i = start;
  if (LITTLE_ENDIAN && end - i >= 64) {
    // Bytes up to a 4-byte boundary of the ArrayBuffer, then whole words two at a time.
    for (; ((buf.byteOffset + i) & 3) !== 0; i++) crc = t[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
    const words = new Int32Array(buf.buffer, buf.byteOffset + i, ((end - i) >>> 3) << 1);
    for (let w = 0; w < words.length; w += 2) {
      const a = crc ^ words[w]!;
      const b = words[w + 1]!;
      crc =
        t[1792 + (a & 0xff)]! ^
        t[1536 + ((a >>> 8) & 0xff)]! ^
        t[1280 + ((a >>> 16) & 0xff)]! ^
        t[1024 + (a >>> 24)]! ^
        t[768 + (b & 0xff)]! ^
        t[512 + ((b >>> 8) & 0xff)]! ^
        t[256 + ((b >>> 16) & 0xff)]! ^
        t[b >>> 24]!;
    }
    i += words.length * 4;
  }
  for (const last8 = end - 8; i <= last8; i += 8) {
    const a = crc ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
    crc =
      t[1792 + (a & 0xff)]! ^
      t[1536 + ((a >>> 8) & 0xff)]! ^
      t[1280 + ((a >>> 16) & 0xff)]! ^
      t[1024 + (a >>> 24)]! ^
      t[768 + buf[i + 4]!]! ^
      t[512 + buf[i + 5]!]! ^
      t[256 + buf[i + 6]!]! ^
      t[buf[i + 7]!]!;
  }
  for (; i < end; i++) crc = t[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
