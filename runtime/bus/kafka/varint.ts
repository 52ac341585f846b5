/**
 * Kafka's varints (protobuf style: 7 bits per byte, low first; signed values zigzag-encoded) on plain
 * numbers, exact for the whole safe-integer range (kafkajs goes through Long objects and a Buffer per
 * varint for the same bytes).
 */

/** Zigzag of a safe integer: 0, -1, 1, -2... -> 0, 1, 2, 3... */
export const zigzag = (v: number) => (v >= 0 ? v * 2 : -v * 2 - 1);

/** Inverse of zigzag for an unsigned value below 2^53. */
export const unzigzag = (u: number) => (u % 2 === 0 ? u / 2 : -(u + 1) / 2);

export function sizeOfUVarint(u: number): number {
  let n = 1;
  while (u >= 128) {
    u = Math.floor(u / 128);
    n++;
  }
  return n;
}

/** Writes unsigned `u` at `at`; returns the offset after it. */
export function writeUVarint(buf: Uint8Array, at: number, u: number): number {
  while (u >= 128) {
    buf[at++] = (u % 128) | 0x80;
    u = Math.floor(u / 128);
  }
  buf[at++] = u;
  return at;
}
