import type { FlightEnvelope } from '../../contract/envelope.ts';
import { validateEnvelope } from '../../contract/validate.ts';
import { M_PER_FT, MS_PER_FPM, MS_PER_KT } from '../units.ts';
import type { SbsMessage } from './parse.ts';

/**
 * Merges each aircraft's SBS messages into its current state and turns every new position into a
 * FlightEnvelope. A receiver splits what OpenSky sends as one state vector over several
 * transmission types: the callsign (type 1), positions (2 surface, 3 airborne), velocity (4),
 * altitude and squawk from surveillance replies (5, 6), air-to-air and all-call (7, 8), each with
 * its on-ground flag when known. A position is published with the freshest of the rest, each field
 * only while it is recent (`fieldMaxAgeMs`, by message time): a velocity from minutes ago is not
 * this fix's. Only a position newer than the last one published for that aircraft goes out.
 * Pure: message time only, no wall clock.
 */
export interface SbsMergeOptions {
  /** Altitude, velocity, squawk and ground flags older than this (ms, message time) are not used. */
  fieldMaxAgeMs?: number;
  /** A callsign is kept this long without a new identification message. */
  callsignMaxAgeMs?: number;
}

/** A field's value and the message time it came with. */
interface Timed<T> {
  value: T;
  atMs: number;
}

interface AircraftState {
  callsign: Timed<string> | null;
  altFt: Timed<number> | null;
  velocity: Timed<{ speedKt: number | null; trackDeg: number | null; vrateFtMin: number | null }> | null;
  squawk: Timed<string> | null;
  spi: Timed<boolean> | null;
  onGround: Timed<boolean> | null;
  lastMsgMs: number;
  lastPublishedMs: number;
}

export type SbsMergeResult =
  | { kind: 'position'; envelope: FlightEnvelope }
  /** A position at or before the last one published for this aircraft (repeat or out of order). */
  | { kind: 'not_newer' }
  /** Merged into the state; nothing to publish (no position in this message). */
  | { kind: 'merged' }
  /** The merged fix breaks the contract (e.g. an altitude out of range): not published. */
  | { kind: 'invalid'; reason: string };

export class SbsMerger {
  private readonly aircraft = new Map<string, AircraftState>();
  private readonly fieldMaxAgeMs: number;
  private readonly callsignMaxAgeMs: number;

  constructor(o: SbsMergeOptions = {}) {
    this.fieldMaxAgeMs = o.fieldMaxAgeMs ?? 30_000;
    this.callsignMaxAgeMs = o.callsignMaxAgeMs ?? 600_000;
  }

  get size(): number {
    return this.aircraft.size;
  }

  apply(m: SbsMessage): SbsMergeResult {
    let a = this.aircraft.get(m.icao24);
    if (a === undefined) {
      a = {
        callsign: null,
        altFt: null,
        velocity: null,
        squawk: null,
        spi: null,
        onGround: null,
        lastMsgMs: m.tsMs,
        lastPublishedMs: Number.NEGATIVE_INFINITY,
      };
      this.aircraft.set(m.icao24, a);
    }
    const t = m.tsMs;
    // Each field keeps the newest value by message time (a late, older message does not undo it).
    const newer = <T>(held: Timed<T> | null): boolean => held === null || t >= held.atMs;
    if (m.callsign !== null && newer(a.callsign)) a.callsign = { value: m.callsign, atMs: t };
    if (m.altFt !== null && newer(a.altFt)) a.altFt = { value: m.altFt, atMs: t };
    if (m.type === 4 && newer(a.velocity)) {
      a.velocity = {
        value: { speedKt: m.groundSpeedKt, trackDeg: m.trackDeg, vrateFtMin: m.vrateFtMin },
        atMs: t,
      };
    }
    if (m.squawk !== null && newer(a.squawk)) a.squawk = { value: m.squawk, atMs: t };
    if (m.spi !== null && newer(a.spi)) a.spi = { value: m.spi, atMs: t };
    // A surface position (type 2) says on the ground whatever its flag field holds.
    const onGround = m.type === 2 ? true : m.onGround;
    if (onGround !== null && newer(a.onGround)) a.onGround = { value: onGround, atMs: t };
    if (t > a.lastMsgMs) a.lastMsgMs = t;

    if ((m.type !== 2 && m.type !== 3) || m.lat === null || m.lon === null) return { kind: 'merged' };
    if (t <= a.lastPublishedMs) return { kind: 'not_newer' };

    const fresh = <T>(f: Timed<T> | null, maxAgeMs = this.fieldMaxAgeMs): T | null =>
      f !== null && t - f.atMs <= maxAgeMs && f.atMs - t <= maxAgeMs ? f.value : null;
    // A surface position carries its own speed and track (movement and ground track fields).
    const v =
      m.type === 2 ? { speedKt: m.groundSpeedKt, trackDeg: m.trackDeg, vrateFtMin: 0 } : fresh(a.velocity);
    const ground = m.type === 2 ? true : (m.onGround ?? fresh(a.onGround) ?? false);
    // On the surface a receiver has no barometric altitude; the last airborne one is not the fix's.
    const altFt = m.type === 2 ? null : (m.altFt ?? fresh(a.altFt));
    const track = v?.trackDeg ?? null;
    const envelope: FlightEnvelope = {
      v: 1,
      icao24: m.icao24,
      callsign: fresh(a.callsign, this.callsignMaxAgeMs),
      origin_country: null,
      ts: t,
      last_contact: a.lastMsgMs,
      lat: m.lat,
      lon: m.lon,
      baro_alt_m: altFt === null ? null : altFt * M_PER_FT,
      geo_alt_m: null,
      speed_ms: v?.speedKt == null ? null : v.speedKt * MS_PER_KT,
      track_deg: track === null ? null : ((track % 360) + 360) % 360,
      vrate_ms: v?.vrateFtMin == null ? null : v.vrateFtMin * MS_PER_FPM,
      on_ground: ground,
      squawk: fresh(a.squawk),
      spi: fresh(a.spi) ?? false,
      pos_source: 0,
      category: null,
      source: 'sbs',
    };
    const checked = validateEnvelope(envelope);
    if (!checked.ok) return { kind: 'invalid', reason: checked.reason };
    a.lastPublishedMs = t;
    return { kind: 'position', envelope };
  }

  /** Forgets aircraft with no message for `idleMs` before `nowMs` (message time); returns how many. */
  prune(nowMs: number, idleMs = 600_000): number {
    let n = 0;
    for (const [icao24, a] of this.aircraft) {
      if (nowMs - a.lastMsgMs > idleMs) {
        this.aircraft.delete(icao24);
        n++;
      }
    }
    return n;
  }
}
