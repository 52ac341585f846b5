import { type AnomalyEvent, type HistoryRow, historyRowOf, type Track } from '../runtime/contract/index.ts';
import type { FlightRouterPorts } from './router.ts';

/** Ports that keep everything in arrays: for `detect`, tests and the benchmark's checks. */
export function memoryPorts(): FlightRouterPorts & {
  events: AnomalyEvent[];
  rows: HistoryRow[];
  tracks: Map<string, Track>;
  removed: string[];
} {
  const events: AnomalyEvent[] = [];
  const rows: HistoryRow[] = [];
  const tracks = new Map<string, Track>();
  const removed: string[] = [];
  return {
    events,
    rows,
    tracks,
    removed,
    history: {
      write: (row) => {
        rows.push(row);
        return true;
      },
      writeFix: (fix, callsign, smooth) => {
        rows.push(historyRowOf(fix, callsign, smooth));
        return true;
      },
      durable: async () => {},
      drained: async () => {},
      close: async () => {},
    },
    anomalies: { emit: (e) => void events.push(e), durable: async () => {} },
    board: {
      upsert: (t) => void tracks.set(t.icao24, t),
      changed: (source) => void tracks.set(source.icao24, source.track()),
      remove: (id) => void removed.push(id),
    },
  };
}
