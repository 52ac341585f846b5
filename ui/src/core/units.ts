/**
 * Display units: aviation (feet, knots, flight levels, ft/min: the default, what pilots and
 * controllers use) or metric (metres, m/s). Values stay SI everywhere else; only these functions
 * turn them into text or read them back from inputs.
 */
export type Units = 'aviation' | 'metric';

export const FT_PER_M = 3.28084;
export const KT_PER_MS = 1.943844;
export const FPM_PER_MS = 196.8504;
/** Below this vertical rate an aircraft reads as level. */
export const LEVEL_MS = 0.5;

const int = (x: number) => Math.round(x).toLocaleString('en-US');

export function formatAlt(altM: number | null | undefined, units: Units): string {
  if (altM === null || altM === undefined) return '—';
  return units === 'aviation' ? `${int(altM * FT_PER_M)} ft` : `${int(altM)} m`;
}

/** Flight level: hundreds of feet, three digits (FL350); "GND" on the ground. */
export function flightLevel(altM: number | null, onGround: boolean): string {
  if (onGround) return 'GND';
  if (altM === null) return 'FL—';
  return `FL${String(Math.max(0, Math.round((altM * FT_PER_M) / 100))).padStart(3, '0')}`;
}

/** The label's altitude: a flight level, or metres. */
export function labelAlt(altM: number | null, onGround: boolean, units: Units): string {
  if (units === 'aviation') return flightLevel(altM, onGround);
  return onGround ? 'GND' : formatAlt(altM, 'metric');
}

export function formatSpeed(ms: number | null | undefined, units: Units): string {
  if (ms === null || ms === undefined) return '—';
  return units === 'aviation' ? `${int(ms * KT_PER_MS)} kt` : `${ms.toFixed(1)} m/s`;
}

export function formatVrate(ms: number | null | undefined, units: Units): string {
  if (ms === null || ms === undefined) return '—';
  const sign = ms > 0 ? '+' : '';
  return units === 'aviation' ? `${sign}${int(ms * FPM_PER_MS)} ft/min` : `${sign}${ms.toFixed(1)} m/s`;
}

/** Climbing, descending or level, as an arrow. */
export function verticalTrend(ms: number | null | undefined): '↑' | '↓' | '→' {
  if (ms === null || ms === undefined || Math.abs(ms) < LEVEL_MS) return '→';
  return ms > 0 ? '↑' : '↓';
}

/** An altitude typed in the display unit, in metres (null when empty or not a number). */
export function altInputToM(text: string, units: Units): number | null {
  if (text.trim() === '' || !Number.isFinite(Number(text))) return null;
  const v = Number(text);
  return units === 'aviation' ? v / FT_PER_M : v;
}

export const altUnitLabel = (units: Units) => (units === 'aviation' ? 'ft' : 'm');
