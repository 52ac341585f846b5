/**
 * The wall-clock time zone of SBS date/time fields. BaseStation and the decoders that copy its
 * output (dump1090, dump1090-fa, readsb) write the receiver's *local* time with no zone in the line,
 * so the reader must be told which zone that is: SBS_TIME_ZONE. UTC by default (receivers on
 * Raspberry Pi images and in containers run with TZ=UTC almost always; a wrong zone shows as every
 * fix hours in the past or future, which the producer logs once). Pure.
 */
export type SbsClock = (
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
) => number;

const FIXED_OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/** `UTC`, `local` (this process's zone), a fixed offset `+02:00` / `-0530`, or an IANA zone (`Europe/Paris`). */
export function sbsClock(zone: string): SbsClock {
  if (zone === 'UTC' || zone === 'Z') return (y, mo, d, h, mi, s, ms) => Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (zone === 'local') return (y, mo, d, h, mi, s, ms) => new Date(y, mo - 1, d, h, mi, s, ms).getTime();
  const fixed = FIXED_OFFSET.exec(zone);
  if (fixed !== null) {
    const offsetMs = (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3])) * 60_000;
    return (y, mo, d, h, mi, s, ms) => Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMs;
  }
  return ianaClock(zone);
}

/** Is `zone` something sbsClock takes? (config validation) */
export function isSbsTimeZone(zone: string): boolean {
  if (zone === 'UTC' || zone === 'Z' || zone === 'local' || FIXED_OFFSET.test(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Intl's wall-clock parts (year..second, 24 h) in `zone`. */
export const wallClockFormat = (zone: string): Intl.DateTimeFormat =>
  new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });

/**
 * Local wall time in an IANA zone to epoch ms: the zone's offset at that instant, found with Intl
 * and cached per wall-clock hour (offsets change on the hour or half-hour at most: the cache is
 * keyed by the local hour and checked again across a change). In the repeated hour of a DST
 * change, the first (summer) reading is taken.
 */
function ianaClock(zone: string): SbsClock {
  const fmt = wallClockFormat(zone);
  const offsetAt = (epochMs: number): number => {
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(epochMs))
      if (part.type !== 'literal') p[part.type] = Number(part.value);
    const asUtc = Date.UTC(
      p.year ?? 0,
      (p.month ?? 1) - 1,
      p.day ?? 1,
      p.hour ?? 0,
      p.minute ?? 0,
      p.second ?? 0,
    );
    return asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000));
  };
  const cache = new Map<number, number>();
  return (y, mo, d, h, mi, s, ms) => {
    const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
    const hourKey = Math.floor(wall / 3_600_000);
    let offset = cache.get(hourKey);
    if (offset === undefined) {
      // Two rounds: the offset at the guess, then at the corrected instant (settles across DST).
      const first = offsetAt(wall - offsetAt(wall));
      offset = offsetAt(wall - first) === first ? first : offsetAt(wall - first);
      if (cache.size > 1000) cache.clear();
      cache.set(hourKey, offset);
    }
    return wall - offset;
  };
}
