/**
 * EDGE_ALLOWED_ORIGINS: which pages may open the edge's WebSockets. A browser sends the page's
 * origin on every WebSocket upgrade and, unlike fetch, no CORS rule stops a page of another
 * origin from reading what comes back; so the upgrade checks it. Pure: no I/O.
 *
 * - empty (default): the page's own origin, i.e. an Origin whose host[:port] is the request's
 *   Host header (the edge serves the UI, so its page always qualifies; the dev server's proxy
 *   keeps the Host of the page too);
 * - a list of origins (`https://sky.example.org,http://localhost:3000`): exactly those;
 * - `*`: any origin (the behaviour before the setting existed).
 *
 * A request without an Origin header (a program, not a browser) is always allowed: the token, if
 * set, is what protects it.
 */

/** Parses the setting: [] (same host), ['*'], or normalised origins; a string saying what is wrong. */
export function parseAllowedOrigins(raw: string): string[] | string {
  const s = raw.trim();
  if (s === '') return [];
  const out: string[] = [];
  for (const item of s.split(',').map((x) => x.trim())) {
    if (item === '*') {
      out.push('*');
      continue;
    }
    let u: URL;
    try {
      u = new URL(item);
    } catch {
      return `"${item}" is not an origin (scheme://host[:port])`;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      return `"${item}": only http and https origins (the page's, not ws://)`;
    if (u.username !== '' || u.password !== '' || u.pathname !== '/' || u.search !== '' || u.hash !== '')
      return `"${item}" has more than scheme://host[:port]`;
    out.push(u.origin);
  }
  if (out.includes('*') && out.length > 1) return '"*" allows every origin: use it alone';
  return out;
}

/**
 * Whether a WebSocket upgrade with this Origin and Host header may proceed. `origin` '' means no
 * Origin header. `allowed` is parseAllowedOrigins' list.
 */
export function originAllowed(origin: string, host: string, allowed: readonly string[]): boolean {
  if (origin === '') return true;
  if (allowed.length === 0) return sameHost(origin, host);
  if (allowed[0] === '*') return true;
  const normalised = normaliseOrigin(origin);
  return normalised !== null && allowed.includes(normalised);
}

function normaliseOrigin(origin: string): string | null {
  try {
    const u = new URL(origin);
    return u.origin === 'null' ? null : u.origin;
  } catch {
    return null;
  }
}

/** The Origin's host[:port] is the Host header (default ports dropped on both sides). */
function sameHost(origin: string, host: string): boolean {
  if (host === '') return false;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false; // 'null' (sandboxed frames, file://) and garbage
  }
  if (o.protocol !== 'http:' && o.protocol !== 'https:') return false;
  let h: URL;
  try {
    h = new URL(`${o.protocol}//${host}`);
  } catch {
    return false;
  }
  return o.host === h.host;
}
