/**
 * npm run bench:contract — cost of validating one FlightEnvelope (already parsed), and of
 * parse + validate from JSON text. Not a test; the last line is one JSON object of the figures.
 */
import { SAMPLE_ENVELOPE } from './sample.ts';
import { isFlightEnvelope, parseEnvelope } from './validate.ts';

const base = SAMPLE_ENVELOPE;
// Many distinct objects so the measurement is not one hot cached shape only.
const N = 10_000;
const envelopes = Array.from({ length: N }, (_, i) => ({ ...base, ts: base.ts + i * 5000, lat: 40 + i / N }));
const lines = envelopes.map((e) => JSON.stringify(e));

function timeNsPerOp(rounds: number, fn: (i: number) => boolean): number {
  let ok = 0;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (let i = 0; i < N; i++) if (fn(i)) ok++;
  const ns = Number(process.hrtime.bigint() - t0);
  if (ok !== rounds * N) throw new Error('a valid envelope failed validation');
  return ns / (rounds * N);
}

timeNsPerOp(50, (i) => isFlightEnvelope(envelopes[i])); // warm-up (JIT)
const validateNs = Math.min(...[0, 1, 2].map(() => timeNsPerOp(200, (i) => isFlightEnvelope(envelopes[i]))));
timeNsPerOp(5, (i) => parseEnvelope(lines[i]!).ok);
const parseValidateNs = Math.min(...[0, 1, 2].map(() => timeNsPerOp(20, (i) => parseEnvelope(lines[i]!).ok)));
const parseOnlyNs = Math.min(
  ...[0, 1, 2].map(() => timeNsPerOp(20, (i) => typeof JSON.parse(lines[i]!) === 'object')),
);

console.log(`validate (parsed object):  ${validateNs.toFixed(0)} ns/envelope`);
console.log(`JSON.parse alone:          ${parseOnlyNs.toFixed(0)} ns/envelope`);
console.log(`parse + validate:          ${parseValidateNs.toFixed(0)} ns/envelope`);
console.log(
  JSON.stringify({
    validate_ns: Math.round(validateNs),
    json_parse_ns: Math.round(parseOnlyNs),
    parse_validate_ns: Math.round(parseValidateNs),
    validate_share_of_parse: Number((validateNs / parseOnlyNs).toFixed(3)),
  }),
);
