/**
 * Access to kafkajs's internal CommonJS modules for the fast path (kafkajs-fast-path.ts): their
 * absolute paths (the keys of Node's module cache) and a require that loads them.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const requireCjs = createRequire(import.meta.url);
const root = dirname(requireCjs.resolve('kafkajs/package.json'));

/** Absolute path of a kafkajs source file, e.g. `kafkajsPath('src/utils/long.js')`. */
export const kafkajsPath = (file: string) => join(root, file);

/** Loads a kafkajs source file (typed by the caller: kafkajs ships no types for its internals). */
export const kafkajsModule = <T>(file: string): T => requireCjs(kafkajsPath(file)) as T;

export const kafkajsVersion = (requireCjs('kafkajs/package.json') as { version: string }).version;

/** kafkajs's Long (BigInt-backed in 2.x): used where the originals convert int64 values. */
export interface KafkaLong {
  getHighBits(): number;
  getLowBits(): number;
  add(other: unknown): KafkaLong;
  toString(): string;
}
export const Long = kafkajsModule<{
  fromValue(v: unknown): KafkaLong;
  fromInt(v: number): KafkaLong;
}>('src/utils/long.js');

/** kafkajs's protocol Encoder: results are handed back to kafkajs in this shape. */
export interface KafkaEncoder {
  buf: Buffer;
  offset: number;
  readonly buffer: Buffer;
  size(): number;
}
const Encoder = kafkajsModule<{ prototype: KafkaEncoder }>('src/protocol/encoder.js');

/** An Encoder over exactly `buf` (no 512-byte zeroed allocation as `new Encoder()` makes). */
export function encoderOver(buf: Buffer): KafkaEncoder {
  const e = Object.create(Encoder.prototype) as KafkaEncoder;
  e.buf = buf;
  e.offset = buf.length;
  return e;
}
