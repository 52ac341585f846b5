/**
 * Run by slots.test.ts in a child `node --allow-natives-syntax --import tsx`: drives an
 * AircraftCore per aircraft through every real-trace excerpt (landings, bogus altitudes, frozen
 * positions, go-arounds, gaps) and the NYC fixture, then prints, as one JSON line, how many cores
 * still keep their numbers as unboxed doubles (V8's PACKED_DOUBLE_ELEMENTS) and which do not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { validateEnvelope } from '../runtime/contract/index.ts';
import { AircraftCore } from './aircraft.ts';
import { AirportIndex } from './airports.ts';
import { DETECTOR_DEFAULTS } from './defaults.ts';

// V8's own test of the elements kind (parsed only with --allow-natives-syntax).
const hasDoubleElements = new Function('a', 'return %HasDoubleElements(a)') as (a: unknown) => boolean;

const airports = AirportIndex.load(new URL('../fixtures/airports.geojson', import.meta.url).pathname);
const excerpts = new URL('../fixtures/real/excerpts/', import.meta.url);
const files = readdirSync(excerpts)
  .filter((f) => f.endsWith('.jsonl'))
  .map((f) => new URL(f, excerpts));
files.push(new URL('../fixtures/opensky_nyc_sample.jsonl', import.meta.url));

let cores = 0;
const notDouble: string[] = [];
for (const file of files) {
  const byIcao = new Map<string, AircraftCore>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue; // the NYC fixture's deliberately broken lines
    }
    const valid = validateEnvelope(parsed);
    if (!valid.ok) continue;
    const env = valid.value;
    let core = byIcao.get(env.icao24);
    if (core === undefined) {
      core = new AircraftCore(env.icao24, DETECTOR_DEFAULTS, airports);
      byIcao.set(env.icao24, core);
    }
    core.update(env);
  }
  for (const [icao24, core] of byIcao) {
    cores++;
    if (!hasDoubleElements(core.filter.s)) notDouble.push(`${file.pathname.split('/').pop()}:${icao24}`);
  }
}
console.log(JSON.stringify({ cores, notDouble }));
