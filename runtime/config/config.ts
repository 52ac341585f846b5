import { existsSync } from 'node:fs';
import { parseAllowedOrigins } from '../../edge/origins.ts';
import { isSbsTimeZone } from '../producer/sbs/clock.ts';
import { VARS, type VarDef, type VarName } from './definitions.ts';

/** A configuration error names the variable, the value and what it takes. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

function describe(def: VarDef): string {
  const t = def.type;
  switch (t.kind) {
    case 'int':
      return `an integer from ${t.min} to ${t.max}`;
    case 'number':
      return `a number from ${t.min} to ${t.max}`;
    case 'bool':
      return 'true or false (also 1/0, yes/no)';
    case 'enum':
      return `one of ${t.values.join(', ')}`;
    case 'bbox':
      return 'w,s,e,n in degrees with w<e, s<n, lon in [-180,180], lat in [-90,90]';
    case 'url':
      return `a ${t.protocols.join(' or ')} URL${t.optional ? ' or empty' : ''}`;
    case 'brokers':
      return 'empty or host:port[,host:port...]';
    case 'hostport':
      return 'host:port (port 1-65535)';
    case 'timezone':
      return 'UTC, local, an offset like +02:00, or an IANA zone like Europe/Paris';
    case 'origins':
      return 'empty, * or a comma-separated list of http(s)://host[:port] origins';
    default:
      return 'a string';
  }
}

type Parsed = string | number | boolean | string[] | [number, number, number, number];

function parseValue(def: VarDef, raw: string): Parsed | undefined {
  const t = def.type;
  const s = raw.trim();
  switch (t.kind) {
    case 'string':
      return raw;
    case 'int': {
      if (!/^-?\d+$/.test(s)) return undefined;
      const n = Number(s);
      return n >= t.min && n <= t.max ? n : undefined;
    }
    case 'number': {
      const n = Number(s);
      return s !== '' && Number.isFinite(n) && n >= t.min && n <= t.max ? n : undefined;
    }
    case 'bool': {
      const v = s.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off', ''].includes(v)) return false;
      return undefined;
    }
    case 'enum':
      return t.values.includes(s) ? s : undefined;
    case 'bbox': {
      const parts = s.split(',').map(Number);
      if (parts.length !== 4 || parts.some((x) => !Number.isFinite(x))) return undefined;
      const [w, so, e, n] = parts as [number, number, number, number];
      const ok = w < e && so < n && w >= -180 && e <= 180 && so >= -90 && n <= 90;
      return ok ? [w, so, e, n] : undefined;
    }
    case 'url': {
      if (s === '' && t.optional) return '';
      try {
        return t.protocols.includes(new URL(s).protocol) ? s : undefined;
      } catch {
        return undefined;
      }
    }
    case 'brokers': {
      if (s === '') return [];
      const list = s.split(',').map((x) => x.trim());
      return list.every((b) => /^[A-Za-z0-9._-]+:\d{1,5}$/.test(b)) ? list : undefined;
    }
    case 'hostport': {
      if (s === '' && t.optional) return '';
      return parseHostPort(s) === null ? undefined : s;
    }
    case 'timezone':
      return isSbsTimeZone(s) ? s : undefined;
    case 'origins': {
      const origins = parseAllowedOrigins(s);
      return typeof origins === 'string' ? undefined : origins;
    }
  }
}

type ValueOf<K extends VarDef['type']['kind']> = K extends 'int' | 'number'
  ? number
  : K extends 'bool'
    ? boolean
    : K extends 'brokers' | 'origins'
      ? string[]
      : K extends 'bbox'
        ? [number, number, number, number]
        : string;

export type Config = { [D in (typeof VARS)[number] as D['name']]: ValueOf<D['type']['kind']> };

/**
 * Reads and checks every variable at once, so a user sees all problems in one go.
 * Unknown SKYSENTINEL-looking variables are not an error (the environment is shared).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const problems: string[] = [];
  const out: Record<string, Parsed> = {};
  for (const def of VARS as readonly VarDef[]) {
    const raw = env[def.name] ?? def.default;
    const value = parseValue(def, raw);
    if (value === undefined) problems.push(`${def.name}=${JSON.stringify(raw)}: expected ${describe(def)}`);
    else out[def.name] = value;
  }
  // A receiver source without its address cannot start: name the variable that is missing.
  if (out.SOURCE === 'sbs' && out.SBS_ADDRESS === '')
    problems.push(
      'SBS_ADDRESS is empty: SOURCE=sbs needs the receiver as host:port (e.g. 192.168.1.20:30003)',
    );
  if (out.SOURCE === 'readsb' && out.READSB_URL === '')
    problems.push('READSB_URL is empty: SOURCE=readsb needs the URL of aircraft.json');
  if (problems.length > 0) throw new ConfigError(problems);
  return out as Config;
}

/** `host:port`, `[v6]:port`: the parts, or null when it is not one (port 1-65535). */
export function parseHostPort(s: string): { host: string; port: number } | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9._-]+)):(\d{1,5})$/.exec(s.trim());
  if (m === null) return null;
  const port = Number(m[3]);
  return port >= 1 && port <= 65535 ? { host: (m[1] ?? m[2]) as string, port } : null;
}

/** Loads `.env` from the working directory into process.env (never overriding what is set). */
export function loadDotEnv(path = '.env'): boolean {
  if (!existsSync(path)) return false;
  process.loadEnvFile(path);
  return true;
}

export const defaultConfig = (): Config => loadConfig({});
export type { VarName };
