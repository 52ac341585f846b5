import type { AnomalyEvent } from '../../runtime/contract/index.ts';
import type { NearestAirportCache } from '../airports.ts';
import type { DetectorOptions } from '../defaults.ts';
import type { Observation } from '../observation.ts';
import { defineSlots, type Slotted } from '../slots.ts';
import { anomalyEvent } from './event.ts';

/**
 * signal_lost: an airborne aircraft with no accepted update for `signalLostAfterS` while the feed
 * as a whole still advances (the router's feed clock, delivered by `tick`). Info; started at the
 * last update, closed by the next accepted update. Nothing here reads a clock: time is the
 * stream's, so a file replay reports exactly what the live pipeline would.
 */
export class SignalLostMachine implements Slotted {
  static readonly SLOTS: number;
  open = false;
  declare private lastTsMs: number;
  declare private detectedAt: number;
  declare private lastLat: number;
  declare private lastLon: number;
  declare private lastAltM: number;
  private lastAirborne = false;
  private icao24 = '';
  private callsign: string | null = null;

  constructor(
    private readonly opts: Pick<DetectorOptions, 'signalLostAfterS'>,
    /** Where the nearest airport of the last position is looked up, only when an event needs it. */
    private readonly airports: NearestAirportCache | null = null,
    readonly s = new Float64Array(SignalLostMachine.SLOTS),
    readonly b = 0,
  ) {
    this.lastTsMs = -1;
  }

  /** Where the aircraft was last seen (the event's position). */
  private last() {
    return {
      icao24: this.icao24,
      callsign: this.callsign,
      lat: this.lastLat,
      lon: this.lastLon,
      altM: this.lastAltM,
    };
  }

  /** The nearest airport of the last position (the answer depends on the position alone). */
  private airport(): string | null {
    if (this.airports === null) return null;
    this.airports.at(this.lastLat, this.lastLon);
    return this.airports.airport?.ident ?? null;
  }

  /** An accepted update: closes an open event, and remembers where the aircraft was last seen. */
  update(o: Observation, out: AnomalyEvent[]): void {
    if (this.open) {
      this.open = false;
      out.push(
        anomalyEvent(
          'signal_lost',
          'closed',
          'info',
          this.last(),
          { startedAt: this.lastTsMs, detectedAt: this.detectedAt, endedAt: o.tsMs },
          this.airport(),
          { silent_s: Math.round((o.tsMs - this.lastTsMs) / 1000), resumed_lat: o.lat, resumed_lon: o.lon },
        ),
      );
    }
    this.lastTsMs = o.tsMs;
    this.lastAirborne = !o.onGround;
    this.icao24 = o.icao24;
    this.callsign = o.callsign;
    this.lastLat = o.lat;
    this.lastLon = o.lon;
    this.lastAltM = o.altM;
  }

  /** The feed clock advanced to `feedTsMs` (ms): opens the event if this aircraft has gone quiet. */
  tick(feedTsMs: number, out: AnomalyEvent[]): void {
    if (this.open || this.lastTsMs < 0 || !this.lastAirborne) return;
    if (feedTsMs - this.lastTsMs < this.opts.signalLostAfterS * 1000) return;
    this.open = true;
    this.detectedAt = feedTsMs;
    out.push(
      anomalyEvent(
        'signal_lost',
        'open',
        'info',
        this.last(),
        { startedAt: this.lastTsMs, detectedAt: feedTsMs, endedAt: null },
        this.airport(),
        { silent_s: Math.round((feedTsMs - this.lastTsMs) / 1000) },
      ),
    );
  }

  /** ms of the last accepted update (-1 before any): the router's timer wheel keys on it. */
  get lastUpdateTsMs(): number {
    return this.lastTsMs;
  }
}

(SignalLostMachine as unknown as { SLOTS: number }).SLOTS = defineSlots(SignalLostMachine, [
  'lastTsMs',
  'detectedAt',
  'lastLat',
  'lastLon',
  'lastAltM',
]);
