import { mulberry32 } from './prng.ts';

/**
 * Malformed and hostile bus messages for the reliability tests: fuzzed JSON, wrong types, huge
 * strings, NaN/Infinity, unknown versions, prototype-pollution keys, deep nesting, binary junk.
 * Every one must be rejected by the pipeline (counted, dead-lettered) without disturbing valid
 * traffic. Deterministic for a seed.
 */
const VALID = {
  v: 1,
  icao24: 'abc123',
  ts: 1_764_000_000_000,
  lat: 40.6,
  lon: -73.8,
  on_ground: false,
  baro_alt_m: 1000,
  speed_ms: 120,
};

type Mutator = (rnd: () => number) => string | Uint8Array;

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const hex = (rnd: () => number, n: number) =>
  Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rnd() * 16)]).join('');

const MUTATORS: readonly Mutator[] = [
  // Not JSON at all, or cut short.
  (rnd) => JSON.stringify({ ...VALID, icao24: hex(rnd, 6) }).slice(0, 1 + Math.floor(rnd() * 60)),
  () => 'NaN',
  () => '',
  () => '{"v":1,"icao24":"abc123","lat":NaN,"lon":0,"ts":1,"on_ground":false}',
  () => '{"v":1,"icao24":"abc123","lat":Infinity,"lon":0,"ts":1,"on_ground":false}',
  (rnd) => Uint8Array.from({ length: 1 + Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256)),
  // Valid JSON, wrong shape.
  () => '[]',
  () => 'null',
  () => '12345',
  () => '"a string"',
  (rnd) => JSON.stringify({ ...VALID, icao24: hex(rnd, 6), v: pick(rnd, [0, 2, 99, '1', null, -1]) }),
  (rnd) => JSON.stringify({ ...VALID, icao24: pick(rnd, ['ABC123', 'zzzzzz', '', 'abc12', 123456, null]) }),
  (rnd) =>
    JSON.stringify({ ...VALID, icao24: hex(rnd, 6), lat: pick(rnd, [91, -91, '40.6', null, true, 1e308]) }),
  (rnd) => JSON.stringify({ ...VALID, icao24: hex(rnd, 6), lon: pick(rnd, [181, -181, '0', [], {}]) }),
  (rnd) => JSON.stringify({ ...VALID, icao24: hex(rnd, 6), ts: pick(rnd, [-1, 1.5, '1764000000000', null]) }),
  (rnd) => JSON.stringify({ ...VALID, icao24: hex(rnd, 6), on_ground: pick(rnd, ['yes', 0, null]) }),
  (rnd) => JSON.stringify({ ...VALID, icao24: hex(rnd, 6), speed_ms: pick(rnd, [-5, 701, '100']) }),
  (rnd) => JSON.stringify({ ...VALID, icao24: hex(rnd, 6), squawk: pick(rnd, ['7800', '77', 7700, 'abcd']) }),
  (rnd) =>
    JSON.stringify({ ...VALID, icao24: hex(rnd, 6), callsign: pick(rnd, ['WAYTOOLONG1', ' PAD ', 42]) }),
  (rnd) => JSON.stringify({ ...VALID, icao24: hex(rnd, 6), baro_alt_m: pick(rnd, [99_999, -1000, 'high']) }),
  // Huge strings and hostile keys.
  (rnd) =>
    JSON.stringify({
      ...VALID,
      icao24: hex(rnd, 6),
      callsign: 'X'.repeat(100_000 + Math.floor(rnd() * 100_000)),
    }),
  (rnd) => `{"__proto__":{"polluted":true},"v":1,"icao24":"${hex(rnd, 6)}","lat":"x"}`,
  () => `${'['.repeat(5000)}${']'.repeat(5000)}`,
  (rnd) => JSON.stringify({ ...VALID, icao24: hex(rnd, 6), lat: undefined }),
  // Well-formed but poison for storage or display (issue 16): out-of-range times, NUL, bidi
  // overrides, zero-width characters, lone surrogates.
  (rnd) =>
    JSON.stringify({
      ...VALID,
      icao24: hex(rnd, 6),
      ts: pick(rnd, [1e20, Date.UTC(10_000, 0, 1), 253_402_300_800_000, Date.UTC(1970, 0, 2)]),
    }),
  (rnd) => JSON.stringify({ ...VALID, icao24: hex(rnd, 6), last_contact: pick(rnd, [1e20, 0]) }),
  (rnd) =>
    JSON.stringify({
      ...VALID,
      icao24: hex(rnd, 6),
      callsign: pick(rnd, ['DAL\u0000123', '\u202eDAL', 'DA\u200bL1', 'DAL\ud800', 'DAL\u0007']),
    }),
  (rnd) => JSON.stringify({ ...VALID, icao24: hex(rnd, 6), origin_country: 'Land\u0000\u2066' }),
];

export function hostileMessages(count: number, seed = 7): Array<string | Uint8Array> {
  const rnd = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => MUTATORS[i % MUTATORS.length]!(rnd));
}
