import type { AnomalyEvent } from '../runtime/contract/index.ts';
import {
  nullAnomalySink,
  nullHistorySink,
  nullTrackBoard,
  parseEnvelope,
} from '../runtime/contract/index.ts';
import { createMetrics } from '../runtime/metrics/metrics.ts';
import { lineTooLongReason } from '../runtime/producer/line-splitter.ts';
import type { AirportIndex } from './airports.ts';
import type { DetectorOptions } from './defaults.ts';
import { createFlightRouter } from './router.ts';

/** Malformed lines listed by number in the summary (the rest are only counted). */
const LIST_BAD_LINES = 5;
/** Lines dispatched between drains: bounds memory on big files and lets output flush. */
const CHUNK_LINES = 5_000;

export interface DetectSummary {
  lines: number;
  accepted: number;
  rejected: {
    duplicate: number;
    out_of_order: number;
    implausible: number;
    /** The same position again while time advances (not a new fix). */
    stale: number;
    /** Far ahead of the feed clock and never agreed by other aircraft. */
    future: number;
    invalid: number;
  };
  /** Reported altitudes not used, by reason (the updates themselves were accepted). */
  altitudesDropped: { implausible: number; ground: number; stopped: number };
  /** Outages of the source seen in feed time (no signal_lost for what went quiet with them). */
  outages: number;
  /** First few malformed lines: 1-based line number and reason. */
  badLines: Array<{ line: number; reason: string }>;
  /** Distinct anomalies (by id) per type. */
  anomalies: Record<string, number>;
  events: number;
  aircraft: number;
}

export interface DetectOptions {
  airports: AirportIndex;
  options?: Partial<DetectorOptions>;
  /** Every open and closed AnomalyEvent, in the order the actors produce them. May return a promise (backpressure). */
  onEvent: (event: AnomalyEvent) => void;
  /** Called between chunks so the output can drain. */
  flush?: () => Promise<void>;
  onProgress?: (linesDone: number) => void;
}

/**
 * Runs the same actors as the live pipeline over JSONL lines, as fast as they go. Time inside the
 * actors is the stream's time, so this reports what the live pipeline would. Malformed lines (and
 * over-long ones, given as their size) are counted, never fatal; nothing is closed artificially at
 * the end.
 */
export async function detectLines(
  lines: AsyncIterable<string | { overLongBytes: number }>,
  o: DetectOptions,
): Promise<DetectSummary> {
  const metrics = createMetrics();
  const ids = new Map<string, string>();
  let events = 0;
  const router = createFlightRouter({
    ports: {
      history: nullHistorySink,
      board: nullTrackBoard,
      anomalies: {
        ...nullAnomalySink,
        emit: (e) => {
          events++;
          ids.set(e.id, e.type);
          o.onEvent(e);
        },
      },
    },
    metrics,
    airports: o.airports,
    options: o.options,
  });
  const aircraft = new Set<string>();
  const badLines: DetectSummary['badLines'] = [];
  let n = 0;
  let invalid = 0;
  for await (const raw of lines) {
    n++;
    if (typeof raw === 'string' && raw.trim() === '') continue;
    // A line over the reader's cap arrives as its size only (runtime/producer/line-splitter.ts).
    const parsed =
      typeof raw === 'string'
        ? parseEnvelope(raw)
        : ({ ok: false, reason: lineTooLongReason(raw.overLongBytes) } as const);
    if (!parsed.ok) {
      invalid++;
      if (badLines.length < LIST_BAD_LINES) badLines.push({ line: n, reason: parsed.reason });
      continue;
    }
    aircraft.add(parsed.value.icao24);
    router.dispatch(parsed.value);
    if (n % CHUNK_LINES === 0) {
      await router.drain();
      await o.flush?.();
      o.onProgress?.(n);
    }
  }
  await router.drain();
  await router.stopAll();
  await o.flush?.();
  o.onProgress?.(n);

  const byResult = new Map<string, number>();
  for (const v of (await metrics.updates.get()).values) byResult.set(String(v.labels.result), v.value);
  const altDrops = new Map<string, number>();
  for (const v of (await metrics.altitudesDropped.get()).values)
    altDrops.set(String(v.labels.reason), v.value);
  const anomalies: Record<string, number> = {};
  for (const type of ids.values()) anomalies[type] = (anomalies[type] ?? 0) + 1;
  return {
    lines: n,
    accepted: byResult.get('accepted') ?? 0,
    rejected: {
      duplicate: byResult.get('duplicate') ?? 0,
      out_of_order: byResult.get('out_of_order') ?? 0,
      implausible: byResult.get('implausible') ?? 0,
      stale: byResult.get('stale') ?? 0,
      future: byResult.get('future') ?? 0,
      invalid,
    },
    altitudesDropped: {
      implausible: altDrops.get('implausible') ?? 0,
      ground: altDrops.get('ground') ?? 0,
      stopped: altDrops.get('stopped') ?? 0,
    },
    outages: router.feedStatus().outages,
    badLines,
    anomalies,
    events,
    aircraft: aircraft.size,
  };
}

/** The one-line summary `detect` prints on stderr. */
export function formatSummary(s: DetectSummary): string {
  const r = s.rejected;
  const a = s.altitudesDropped;
  const bad = s.badLines.length
    ? ` (line${s.badLines.length > 1 ? 's' : ''} ${s.badLines.map((b) => `${b.line}: ${b.reason}`).join('; ')}${r.invalid > s.badLines.length ? '; ...' : ''})`
    : '';
  const types = Object.entries(s.anomalies)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([t, c]) => `${t} ${c}`)
    .join(', ');
  return (
    `detect: ${s.lines} lines, ${s.aircraft} aircraft, ${s.accepted} accepted; rejected: duplicate ${r.duplicate}, ` +
    `out_of_order ${r.out_of_order}, implausible ${r.implausible}, stale ${r.stale}, future ${r.future}, ` +
    `invalid ${r.invalid}${bad}; altitudes dropped: implausible ${a.implausible}, ground ${a.ground}, ` +
    `stopped ${a.stopped}; feed outages ${s.outages}; anomalies: ${types || 'none'} (${s.events} events)`
  );
}
