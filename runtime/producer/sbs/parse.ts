import type { SbsClock } from './clock.ts';

/**
 * One SBS-1 "BaseStation" line (TCP port 30003 of dump1090, dump1090-fa, readsb and friends):
 *
 *   MSG,type,session,aircraft,hex,flight,date_gen,time_gen,date_log,time_log,callsign,altitude,
 *   ground_speed,track,lat,lon,vertical_rate,squawk,alert,emergency,spi,is_on_ground
 *
 * 22 comma-separated fields; empty means "not in this message". Units as sent: feet, knots,
 * degrees, feet per minute. Flags are -1 (true) or 0 (false); some decoders write 1 for true.
 * Transmission types: 1 identification, 2 surface position, 3 airborne position, 4 airborne
 * velocity, 5 surveillance altitude, 6 surveillance identity (squawk), 7 air-to-air, 8 all-call.
 * Pure: no I/O, no clock but the one it is given.
 */
export interface SbsMessage {
  type: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;
  icao24: string;
  /** Epoch ms of the generated date/time, read in the receiver's zone (SbsClock). */
  tsMs: number;
  callsign: string | null;
  altFt: number | null;
  groundSpeedKt: number | null;
  trackDeg: number | null;
  lat: number | null;
  lon: number | null;
  vrateFtMin: number | null;
  squawk: string | null;
  emergency: boolean | null;
  spi: boolean | null;
  onGround: boolean | null;
}

export type SbsLine =
  | { kind: 'msg'; msg: SbsMessage }
  /** Well-formed but carries nothing to track: SEL/ID/AIR/STA/CLK records, non-ICAO (`~`) addresses. */
  | { kind: 'ignored'; reason: string }
  | { kind: 'malformed'; reason: string };

const OTHER_RECORDS = new Set(['SEL', 'ID', 'AIR', 'STA', 'CLK']);
const HEX = /^[0-9A-Fa-f]{6}$/;
const DATE = /^(\d{4})\/(\d{2})\/(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const SQUAWK = /^[0-7]{4}$/;

const malformed = (reason: string): SbsLine => ({ kind: 'malformed', reason });

/** A number field: null when empty, NaN when not a number (the caller rejects the line). */
function num(s: string | undefined): number | null {
  if (s === undefined || s === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : Number.NaN;
}

function flag(s: string | undefined): boolean | null | undefined {
  if (s === undefined || s === '') return null;
  if (s === '-1' || s === '1') return true;
  if (s === '0') return false;
  return undefined;
}

/** Parses one line (without its line break). Never throws. */
export function parseSbsLine(line: string, clock: SbsClock): SbsLine {
  const f = line.split(',');
  const record = f[0] ?? '';
  if (record !== 'MSG') {
    return OTHER_RECORDS.has(record) ? { kind: 'ignored', reason: record } : malformed('not an SBS record');
  }
  if (f.length < 22) return malformed(`${f.length} fields, expected 22`);
  const type = Number(f[1]);
  if (!Number.isInteger(type) || type < 1 || type > 8) return malformed(`transmission type ${f[1]}`);
  const hex = (f[4] ?? '').trim();
  if (hex.startsWith('~')) return { kind: 'ignored', reason: 'non-ICAO address' };
  if (!HEX.test(hex)) return malformed(`hex ident ${JSON.stringify(hex.slice(0, 12))}`);
  const date = DATE.exec(f[6] ?? '');
  const time = TIME.exec(f[7] ?? '');
  if (date === null || time === null) return malformed('generated date/time');
  const mo = Number(date[2]);
  const d = Number(date[3]);
  const h = Number(time[1]);
  const mi = Number(time[2]);
  const s = Number(time[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
    return malformed('generated date/time');
  const ms = time[4] === undefined ? 0 : Math.floor(Number(`0.${time[4]}`) * 1000);
  const tsMs = clock(Number(date[1]), mo, d, h, mi, s, ms);

  const altFt = num(f[11]);
  const groundSpeedKt = num(f[12]);
  const trackDeg = num(f[13]);
  const lat = num(f[14]);
  const lon = num(f[15]);
  const vrateFtMin = num(f[16]);
  for (const [name, v] of [
    ['altitude', altFt],
    ['ground speed', groundSpeedKt],
    ['track', trackDeg],
    ['lat', lat],
    ['lon', lon],
    ['vertical rate', vrateFtMin],
  ] as const) {
    if (Number.isNaN(v)) return malformed(`${name} is not a number`);
  }
  if ((lat === null) !== (lon === null)) return malformed('lat without lon');
  if (lat !== null && lon !== null && (Math.abs(lat) > 90 || Math.abs(lon) > 180))
    return malformed('position out of range');
  const squawkRaw = (f[17] ?? '').trim();
  if (squawkRaw !== '' && !SQUAWK.test(squawkRaw))
    return malformed(`squawk ${JSON.stringify(squawkRaw.slice(0, 8))}`);
  const emergency = flag(f[19]);
  const spi = flag(f[20]);
  const onGround = flag(f[21]?.trim());
  if (emergency === undefined || spi === undefined || onGround === undefined)
    return malformed('flag not -1/0');
  const callsign = (f[10] ?? '').trim();
  return {
    kind: 'msg',
    msg: {
      type: type as SbsMessage['type'],
      icao24: hex.toLowerCase(),
      tsMs,
      callsign: callsign === '' ? null : callsign,
      altFt,
      groundSpeedKt,
      trackDeg,
      lat,
      lon,
      vrateFtMin,
      squawk: squawkRaw === '' ? null : squawkRaw,
      emergency,
      spi,
      onGround,
    },
  };
}

/**
 * Splits a byte stream (decoded as latin1: one char per byte, nothing lost to bad UTF-8) into
 * lines, `\n` or `\r\n`. A line longer than `maxLineChars` is not a receiver's: it is reported
 * once as over-long and skipped up to its end, so garbage without line breaks cannot grow memory.
 */
export class SbsLineSplitter {
  private rest = '';
  private skipping = false;

  constructor(private readonly maxLineChars = 1024) {}

  /** Calls `line` for each complete line and `overlong` for each line cut off. */
  push(chunk: string, line: (l: string) => void, overlong: () => void): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      if (nl < 0) break;
      if (this.skipping) {
        this.skipping = false;
      } else {
        let l = this.rest + chunk.slice(start, nl);
        this.rest = '';
        if (l.endsWith('\r')) l = l.slice(0, -1);
        if (l.length > this.maxLineChars) overlong();
        else if (l !== '') line(l);
      }
      start = nl + 1;
    }
    if (this.skipping) return;
    this.rest += chunk.slice(start);
    if (this.rest.length > this.maxLineChars) {
      this.rest = '';
      this.skipping = true;
      overlong();
    }
  }

  /** Forget a partial line (the connection closed mid-line). */
  reset(): void {
    this.rest = '';
    this.skipping = false;
  }
}
