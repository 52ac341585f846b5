import type { SbsMessage } from './parse.ts';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const opt = (x: number | string | null | undefined): string =>
  x === null || x === undefined ? '' : String(x);
const flag = (b: boolean | null | undefined): string => (b === null || b === undefined ? '' : b ? '-1' : '0');

/**
 * One SBS-1 line as dump1090 writes it (the inverse of parseSbsLine, date/time in UTC): for test
 * receivers, the benchmark and fixtures. Fields a message type does not carry are left empty.
 */
export function formatSbsLine(m: Partial<SbsMessage> & Pick<SbsMessage, 'type' | 'icao24' | 'tsMs'>): string {
  const d = new Date(m.tsMs);
  const date = `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
  return [
    'MSG',
    m.type,
    1,
    1,
    m.icao24.toUpperCase(),
    1,
    date,
    time,
    date,
    time,
    opt(m.callsign),
    opt(m.altFt),
    opt(m.groundSpeedKt),
    opt(m.trackDeg),
    opt(m.lat),
    opt(m.lon),
    opt(m.vrateFtMin),
    opt(m.squawk),
    '',
    flag(m.emergency),
    flag(m.spi),
    flag(m.onGround),
  ].join(',');
}
