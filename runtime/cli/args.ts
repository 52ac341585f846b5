import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './main.ts';

/** node:util parseArgs, with unknown flags and bad values turned into UsageError (exit 64 + usage). */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** A flag that must be a finite number within [min, max]. */
export function numberFlag(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`--${name} takes a number from ${min} to ${max}, got '${raw}'`);
  }
  return n;
}
