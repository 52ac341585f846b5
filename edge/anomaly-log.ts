import type { AnomalyEvent, AnomalyType } from '../runtime/contract/index.ts';
import type { AnomalyQuery } from './params.ts';

export const ANOMALY_LOG_SIZE = 1000;
/** A go-around arrives already closed; it stays marked on its aircraft this long. */
export const CLOSED_ONLY_MARK_MS = 60_000;

/**
 * The last ANOMALY_LOG_SIZE anomaly events (GET /anomalies without a database) and which
 * anomaly types are open per aircraft (Track.anomalies). Re-delivered events (same id and
 * phase) are ignored, so at-least-once delivery shows each event once.
 */
export class AnomalyLog {
  private readonly events: AnomalyEvent[] = [];
  private readonly seen = new Set<string>();
  /** icao24 -> type -> until (ms; Infinity while open). */
  private readonly open = new Map<string, Map<AnomalyType, number>>();

  constructor(private readonly size = ANOMALY_LOG_SIZE) {}

  /** Records an event; returns the aircraft's marked types when they changed, else null. */
  add(event: AnomalyEvent, nowMs: number): Set<AnomalyType> | null {
    const key = `${event.id}|${event.phase}`;
    if (this.seen.has(key)) return null;
    this.seen.add(key);
    this.events.push(event);
    if (this.events.length > this.size) {
      const old = this.events.shift() as AnomalyEvent;
      this.seen.delete(`${old.id}|${old.phase}`);
    }
    const types = this.open.get(event.icao24) ?? new Map<AnomalyType, number>();
    const had = types.has(event.type);
    if (event.phase === 'open') types.set(event.type, Number.POSITIVE_INFINITY);
    else if (!had || types.get(event.type) !== Number.POSITIVE_INFINITY) {
      types.set(event.type, nowMs + CLOSED_ONLY_MARK_MS);
    } else types.delete(event.type);
    if (types.size === 0) this.open.delete(event.icao24);
    else this.open.set(event.icao24, types);
    return new Set(types.keys());
  }

  /** Drops marks whose time is up; returns the aircraft whose marks changed with their new set. */
  expire(nowMs: number): Map<string, Set<AnomalyType>> {
    const changed = new Map<string, Set<AnomalyType>>();
    for (const [icao24, types] of this.open) {
      let dropped = false;
      for (const [type, untilMs] of types) {
        if (untilMs <= nowMs) {
          types.delete(type);
          dropped = true;
        }
      }
      if (!dropped) continue;
      changed.set(icao24, new Set(types.keys()));
      if (types.size === 0) this.open.delete(icao24);
    }
    return changed;
  }

  /** The latest state of an event (its newest phase), or undefined when it is not kept. */
  byId(id: string): AnomalyEvent | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i].id === id) return this.events[i];
    return undefined;
  }

  /** Newest first, filtered like the PostGIS query. */
  query(q: AnomalyQuery): AnomalyEvent[] {
    const out: AnomalyEvent[] = [];
    for (let i = this.events.length - 1; i >= 0 && out.length < q.limit; i--) {
      const e = this.events[i];
      if (q.type !== undefined && e.type !== q.type) continue;
      if (q.sinceMs !== undefined && e.detected_at < q.sinceMs) continue;
      out.push(e);
    }
    return out;
  }
}
