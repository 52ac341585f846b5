import { DEFAULT_FILTER, type FlightFilter } from '../core/filters.ts';

/**
 * What the URL carries (deep links, pure): `?icao=a42490&lat=40.64&lon=-73.78&alt=0.3&altmin=
 * 1000&altmax=9000&ground=0&anom=1&q=JBU&units=imperial&t=1793541856943&speed=10`. Applied on
 * load; written back (history.replaceState) as the page changes, so a shared URL shows the same
 * picture. Unknown or malformed values are ignored (a link never breaks the page).
 */
export interface UrlState {
  icao: string | null;
  camera: { lat: number; lon: number; alt: number } | null;
  filter: FlightFilter;
  units: 'metric' | 'imperial' | null;
  /** Playback time (ms epoch): the page opens in playback at this time. */
  playbackAtMs: number | null;
  speed: number | null;
}

export const EMPTY_URL_STATE: UrlState = {
  icao: null,
  camera: null,
  filter: { ...DEFAULT_FILTER },
  units: null,
  playbackAtMs: null,
  speed: null,
};

const finite = (s: string | null, lo: number, hi: number): number | null => {
  if (s === null || s.trim() === '') return null;
  const x = Number(s);
  return Number.isFinite(x) && x >= lo && x <= hi ? x : null;
};

export function parseUrlState(search: string): UrlState {
  const p = new URLSearchParams(search);
  const icao = p.get('icao')?.toLowerCase() ?? null;
  const lat = finite(p.get('lat'), -90, 90);
  const lon = finite(p.get('lon'), -180, 180);
  const alt = finite(p.get('alt'), 0.01, 10);
  const units = p.get('units');
  const speed = finite(p.get('speed'), 1, 60);
  const t = p.get('t');
  return {
    icao: icao !== null && /^[0-9a-f]{6}$/.test(icao) ? icao : null,
    camera: lat !== null && lon !== null ? { lat, lon, alt: alt ?? 0.3 } : null,
    filter: {
      altMinM: finite(p.get('altmin'), -1000, 100_000),
      altMaxM: finite(p.get('altmax'), -1000, 100_000),
      showOnGround: p.get('ground') !== '0',
      query: (p.get('q') ?? '').slice(0, 40),
      anomaliesOnly: p.get('anom') === '1',
    },
    units: units === 'metric' || units === 'imperial' ? units : null,
    playbackAtMs: t !== null && /^\d{1,16}$/.test(t) ? Number(t) : null,
    speed,
  };
}

const round = (x: number, d: number) => String(Math.round(x * 10 ** d) / 10 ** d);

/** The query string (with '?', or '' when everything is default), in a stable order. */
export function formatUrlState(s: UrlState): string {
  const p = new URLSearchParams();
  if (s.icao) p.set('icao', s.icao);
  if (s.camera) {
    p.set('lat', round(s.camera.lat, 4));
    p.set('lon', round(s.camera.lon, 4));
    p.set('alt', round(s.camera.alt, 3));
  }
  const f = s.filter;
  if (f.altMinM !== null) p.set('altmin', String(f.altMinM));
  if (f.altMaxM !== null) p.set('altmax', String(f.altMaxM));
  if (!f.showOnGround) p.set('ground', '0');
  if (f.anomaliesOnly) p.set('anom', '1');
  if (f.query !== '') p.set('q', f.query);
  if (s.units) p.set('units', s.units);
  if (s.playbackAtMs !== null) p.set('t', String(Math.round(s.playbackAtMs)));
  if (s.speed !== null) p.set('speed', String(s.speed));
  const q = p.toString();
  return q === '' ? '' : `?${q}`;
}
