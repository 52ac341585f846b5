/**
 * Key -> partition, the same as Kafka's default partitioner (murmur2 of the key bytes, sign bit
 * cleared, modulo the partition count), so an aircraft lands on the same partition number in the
 * embedded bus and in Kafka. Math.imul gives Java's 32-bit int overflow semantics.
 */
const M = 0x5bd1e995;
const SEED = 0x9747b28c;

/** Kafka's murmur2 of a byte string (Java Utils.murmur2), as a signed 32-bit int. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The tail bytes fold in from the highest down (Java's fall-through switch).
  const tail = length & 3;
  if (tail === 3) h ^= data[whole + 2]! << 16;
  if (tail >= 2) h ^= data[whole + 1]! << 8;
  if (tail >= 1) {
    h ^= data[whole]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

const scratch = new Uint8Array(64);

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** The partition of `key` among `partitions` (keyless records are spread by the caller). */
export function partitionForKey(key: string, partitions: number): number {
  let bytes: Uint8Array;
  if (key.length <= scratch.length && isAscii(key)) {
    // icao24 keys are 6 ASCII chars: hash them without allocating a Buffer per message.
    for (let i = 0; i < key.length; i++) scratch[i] = key.charCodeAt(i);
    bytes = scratch.subarray(0, key.length);
  } else {
    bytes = Buffer.from(key, 'utf8');
  }
  return (murmur2(bytes) & 0x7fffffff) % partitions;
}
