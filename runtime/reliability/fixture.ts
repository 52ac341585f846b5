import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { AirportIndex } from '../../actors/airports.ts';
import { detectLines } from '../../actors/detect.ts';
import { parseEnvelope } from '../contract/validate.ts';
import { REPO_ROOT } from '../testing/cli-process.ts';

/**
 * What a whole replay of the NYC fixture must leave behind, derived from the fixture and its labels
 * (not from the system under test): the (icao24, ts) of every update the actors accept, and the
 * anomaly ids the actors produce offline (`detect`), both in recorded time. A replay shifts every
 * ts by one constant, so the live ids are these plus the shift.
 */
export const FIXTURE_FILE = `${REPO_ROOT}fixtures/opensky_nyc_sample.jsonl`;
const LABELS_FILE = `${REPO_ROOT}fixtures/opensky_nyc_sample.labels.json`;
const AIRPORTS_FILE = `${REPO_ROOT}fixtures/airports.geojson`;

interface Labels {
  counts: { lines: number; expected_results: Record<'accepted' | 'invalid', number> };
  noise: Record<'duplicates' | 'out_of_order' | 'position_jump' | 'malformed', { lines: number[] }>;
  anomalies: Array<{ type: string; icao24: string; airport: string | null }>;
}

export interface FixtureExpectations {
  /** Valid lines: what the replay producer publishes (the malformed ones it skips). */
  published: number;
  /** labels.counts.expected_results.accepted */
  accepted: number;
  /** ts of the first valid line: the replay publishes it at the shift's origin. */
  firstTsMs: number;
  /** `${icao24}:${tsMs}` of each accepted update, recorded time. */
  acceptedKeys: Array<{ icao24: string; tsMs: number }>;
  /** type:icao24 -> started_at (recorded time), from the actors run offline over the file. */
  anomalyStarts: Map<string, number>;
  labels: Labels;
}

let cached: Promise<FixtureExpectations> | null = null;

export function fixtureExpectations(): Promise<FixtureExpectations> {
  cached ??= load();
  return cached;
}

async function load(): Promise<FixtureExpectations> {
  const labels = JSON.parse(readFileSync(LABELS_FILE, 'utf8')) as Labels;
  const rejected = new Set(
    [
      labels.noise.duplicates,
      labels.noise.out_of_order,
      labels.noise.position_jump,
      labels.noise.malformed,
    ].flatMap((n) => n.lines),
  );
  const lines = readFileSync(FIXTURE_FILE, 'utf8').split('\n');
  const acceptedKeys: FixtureExpectations['acceptedKeys'] = [];
  // A report that repeats its aircraft's last position (the fixture's frozen position) is stale:
  // counted, never a history row.
  const lastPos = new Map<string, string>();
  let published = 0;
  let firstTsMs = -1;
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    const parsed = parseEnvelope(text);
    if (!parsed.ok) return;
    published++;
    if (firstTsMs < 0) firstTsMs = parsed.value.ts;
    if (rejected.has(i + 1)) return;
    const e = parsed.value;
    const pos = `${e.lat},${e.lon}`;
    const stale = lastPos.get(e.icao24) === pos;
    lastPos.set(e.icao24, pos);
    if (!stale) acceptedKeys.push({ icao24: e.icao24, tsMs: e.ts });
  });
  if (acceptedKeys.length !== labels.counts.expected_results.accepted) {
    throw new Error(
      `fixture/labels disagree: ${acceptedKeys.length} accepted lines, labels say ${labels.counts.expected_results.accepted}`,
    );
  }
  const anomalyStarts = new Map<string, number>();
  await detectLines(createInterface({ input: createReadStream(FIXTURE_FILE) }), {
    airports: AirportIndex.load(AIRPORTS_FILE),
    onEvent: (e) => {
      const key = `${e.type}:${e.icao24}`;
      const seen = anomalyStarts.get(key);
      if (seen !== undefined && seen !== e.started_at) throw new Error(`two ${key} episodes in the fixture`);
      anomalyStarts.set(key, e.started_at);
    },
  });
  const labelled = new Set(labels.anomalies.map((a) => `${a.type}:${a.icao24}`));
  if (anomalyStarts.size !== labelled.size || [...anomalyStarts.keys()].some((k) => !labelled.has(k))) {
    throw new Error(
      `detect found ${[...anomalyStarts.keys()].join(', ')}; labels list ${[...labelled].join(', ')}`,
    );
  }
  return { published, accepted: acceptedKeys.length, firstTsMs, acceptedKeys, anomalyStarts, labels };
}

/** The anomaly ids a replay shifted by `shiftMs` must produce (contract: type:icao24:started_at). */
export function expectedAnomalyIds(x: FixtureExpectations, shiftMs: number): string[] {
  return [...x.anomalyStarts].map(([key, startedAt]) => `${key}:${startedAt + shiftMs}`).sort();
}
