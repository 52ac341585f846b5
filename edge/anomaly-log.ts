import { AnomalyJournal } from '../runtime/contract/anomaly-journal.ts';
import type { AnomalyBacklog, AnomalyEvent, AnomalyType } from '../runtime/contract/index.ts';
import type { AnomalyQuery } from './params.ts';

/** A go-around arrives already closed; it stays marked on its aircraft this long. */
export const CLOSED_ONLY_MARK_MS = 60_000;

/**
 * The edge's anomaly memory: the journal (the last 1,000 events with their cursors and the open
 * events: GET /anomalies without a database, and the alert backlog) and which anomaly types are
 * marked per aircraft (Track.anomalies).
 */
export class AnomalyLog {
  private readonly journal: AnomalyJournal;
  /** icao24 -> type -> until (ms; Infinity while open). */
  private readonly open = new Map<string, Map<AnomalyType, number>>();

  constructor(size?: number) {
    this.journal = new AnomalyJournal(size);
  }

  /** The cursor of the last recorded event (0 before the first). */
  get cursor(): number {
    return this.journal.cursor;
  }

  /**
   * Records an event; returns its cursor and the aircraft's marked types, or null for a
   * re-delivered event.
   */
  add(event: AnomalyEvent, nowMs: number): { cursor: number; marks: Set<AnomalyType> } | null {
    // A late "open" after its "closed" (out-of-order delivery) marks nothing.
    const closedAlready = event.phase === 'open' && this.journal.has({ ...event, phase: 'closed' });
    const cursor = this.journal.add(event);
    if (cursor === null) return null;
    const types = this.open.get(event.icao24) ?? new Map<AnomalyType, number>();
    const had = types.has(event.type);
    if (closedAlready) {
      // It already ended.
    } else if (event.phase === 'open') types.set(event.type, Number.POSITIVE_INFINITY);
    else if (!had || types.get(event.type) !== Number.POSITIVE_INFINITY) {
      types.set(event.type, nowMs + CLOSED_ONLY_MARK_MS);
    } else types.delete(event.type);
    if (types.size === 0) this.open.delete(event.icao24);
    else this.open.set(event.icao24, types);
    return { cursor, marks: new Set(types.keys()) };
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
    return this.journal.byId(id);
  }

  /** Newest first, filtered like the PostGIS query. */
  query(q: AnomalyQuery): AnomalyEvent[] {
    return this.journal.query(q);
  }

  /** GET /anomalies?after= (AnomalyJournal.backlog). */
  backlog(after: number, limit: number, instance: string): AnomalyBacklog {
    return this.journal.backlog(after, limit, instance);
  }
}
