import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * EDGE_TOKEN in the three forms the edge accepts (docs/edge.md "Authentication"): the
 * `Authorization: Bearer` header and `?token=` for programs, and a cookie for browsers, which
 * get it once from `/?token=` or the login form. Pure: no I/O.
 */

/** The cookie's name. Its value is derived from the token, never the token itself. */
export const AUTH_COOKIE = 'skysentinel_auth';
/** 30 days: the value only changes with EDGE_TOKEN, so a longer life costs nothing but a leak's reach. */
export const AUTH_COOKIE_MAX_AGE_S = 30 * 24 * 3600;

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * A constant-time check against `secret`: both sides are hashed first, so neither the content nor
 * the length of the secret shows in the time a wrong guess takes.
 */
export function secretCheck(secret: string): (given: string) => boolean {
  const want = digest(secret);
  return (given) => timingSafeEqual(digest(given), want);
}

/**
 * The cookie value for a token: HMAC-SHA256(token, a fixed label), base64url. Every edge with the
 * same EDGE_TOKEN accepts it (several edges behind one address), a changed token voids it, and a
 * stolen cookie does not reveal the token (which also opens /metrics and the API to programs).
 */
export function authCookieValue(token: string): string {
  return createHmac('sha256', token).update('skysentinel edge cookie v1').digest('base64url');
}

/** `name=value` pairs of a Cookie header; the first of a repeated name wins (as browsers order them). */
export function parseCookies(header: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name !== '' && !out.has(name)) out.set(name, value);
  }
  return out;
}

/**
 * The Set-Cookie header for the auth cookie: HttpOnly (page scripts never see it), SameSite=Strict
 * (no other site's page or link sends it), Path=/. `secure` adds Secure, which a browser only
 * honours over https: the edge speaks plain http, so it sets it only when a TLS-terminating proxy
 * says the browser's side was https (`X-Forwarded-Proto: https`).
 */
export function authSetCookie(value: string, o: { secure: boolean; maxAgeS?: number }): string {
  const parts = [
    `${AUTH_COOKIE}=${value}`,
    'Path=/',
    `Max-Age=${o.maxAgeS ?? AUTH_COOKIE_MAX_AGE_S}`,
    'HttpOnly',
    'SameSite=Strict',
  ];
  if (o.secure) parts.push('Secure');
  return parts.join('; ');
}

/**
 * Splits `token` out of a raw query string: the token given (null when absent; a repeated token
 * counts as absent-and-wrong: '') and the rest of the query, unchanged, without it.
 */
export function splitTokenQuery(rawQuery: string): { token: string | null; rest: string } {
  if (rawQuery === '') return { token: null, rest: '' };
  let token: string | null = null;
  let repeated = false;
  const rest: string[] = [];
  for (const pair of rawQuery.split('&')) {
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    if (decodeOr(rawName) !== 'token') {
      if (pair !== '') rest.push(pair);
      continue;
    }
    if (token !== null) repeated = true;
    token = decodeOr(eq < 0 ? '' : pair.slice(eq + 1));
  }
  return { token: repeated ? '' : token, rest: rest.join('&') };
}

function decodeOr(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * Where the login may send the browser back to: a path of this site (starts with one '/', no
 * scheme, no '//' or '/\' that a browser would read as another host, no control characters).
 * Anything else becomes '/'.
 */
export function safeNextPath(next: string, maxChars = 2048): string {
  if (next.length === 0 || next.length > maxChars) return '/';
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return '/';
  return next;
}
