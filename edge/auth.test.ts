import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AUTH_COOKIE,
  authCookieValue,
  authSetCookie,
  parseCookies,
  safeNextPath,
  secretCheck,
  splitTokenQuery,
} from './auth.ts';
import { LOGIN_PAGE_CSP, loginPage } from './login-page.ts';

describe('token check', () => {
  it('accepts exactly the secret, whatever the length of a guess', () => {
    const ok = secretCheck('s3cret');
    expect(ok('s3cret')).toBe(true);
    for (const wrong of ['', 's3cre', 's3crett', 'S3cret', 's3cret ', 'x'.repeat(10_000)])
      expect(ok(wrong)).toBe(false);
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(secretCheck(a)(b)).toBe(a === b);
      }),
    );
  });

  it('the cookie value is derived from the token: stable, different per token, not the token', () => {
    expect(authCookieValue('s3cret')).toBe(authCookieValue('s3cret'));
    expect(authCookieValue('s3cret')).not.toBe(authCookieValue('s3cret2'));
    expect(authCookieValue('s3cret')).not.toContain('s3cret');
    // Cookie-safe without quoting (base64url).
    expect(authCookieValue('a token with spaces;=')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('cookies', () => {
  it('parses a Cookie header; the first of a repeated name wins; quotes are dropped', () => {
    const c = parseCookies(` a=1; ${AUTH_COOKIE}=xyz;b="q v"; a=2; junk; =nameless`);
    expect(c.get('a')).toBe('1');
    expect(c.get(AUTH_COOKIE)).toBe('xyz');
    expect(c.get('b')).toBe('q v');
    expect(c.has('junk')).toBe(false);
    expect(c.size).toBe(3);
    expect(parseCookies('').size).toBe(0);
  });

  it('Set-Cookie: HttpOnly, SameSite=Strict, Path=/, Max-Age; Secure only when asked', () => {
    const plain = authSetCookie('v', { secure: false });
    expect(plain).toBe(`${AUTH_COOKIE}=v; Path=/; Max-Age=2592000; HttpOnly; SameSite=Strict`);
    expect(authSetCookie('v', { secure: true, maxAgeS: 60 })).toBe(
      `${AUTH_COOKIE}=v; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure`,
    );
  });

  it('property: what Set-Cookie sets, a Cookie header sends back among others', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.stringMatching(/^[\w-]{0,20}$/))),
        (token, others) => {
          const value = authCookieValue(token);
          const pair = authSetCookie(value, { secure: false }).split(';')[0] as string;
          const header = [
            pair,
            ...others.filter(([n]) => n !== AUTH_COOKIE).map(([n, v]) => `${n}=${v}`),
          ].join('; ');
          expect(parseCookies(header).get(AUTH_COOKIE)).toBe(value);
        },
      ),
    );
  });
});

describe('?token= on a page URL', () => {
  it('takes the token out and keeps the rest of the query as it was', () => {
    expect(splitTokenQuery('')).toEqual({ token: null, rest: '' });
    expect(splitTokenQuery('token=s3cret')).toEqual({ token: 's3cret', rest: '' });
    expect(splitTokenQuery('at=5&token=a%20b%2Bc&speed=10')).toEqual({
      token: 'a b+c',
      rest: 'at=5&speed=10',
    });
    expect(splitTokenQuery('at=5&x')).toEqual({ token: null, rest: 'at=5&x' });
    expect(splitTokenQuery('token')).toEqual({ token: '', rest: '' });
    expect(splitTokenQuery('%74oken=x')).toEqual({ token: 'x', rest: '' }); // an encoded name is the same name
    expect(splitTokenQuery('token=%E0%A4%A')).toEqual({ token: '%E0%A4%A', rest: '' }); // bad escape: taken as is
  });

  it('a repeated token is a wrong one (never "the first that matches")', () => {
    expect(splitTokenQuery('token=s3cret&token=other').token).toBe('');
  });

  it('property: the rest never holds a token and keeps every other pair in order', () => {
    const pair = fc
      .tuple(fc.stringMatching(/^[a-z]{1,6}$/), fc.stringMatching(/^[a-z0-9]{0,6}$/))
      .map(([k, v]) => `${k}=${v}`);
    fc.assert(
      fc.property(fc.array(pair), fc.stringMatching(/^[a-z0-9]{0,10}$/), fc.nat(), (pairs, token, at) => {
        const others = pairs.filter((p) => !p.startsWith('token='));
        const i = at % (others.length + 1);
        const all = [...others.slice(0, i), `token=${token}`, ...others.slice(i)];
        expect(splitTokenQuery(all.join('&'))).toEqual({ token, rest: others.join('&') });
      }),
    );
  });
});

describe('where the login sends the browser back', () => {
  it('only to a path of this site', () => {
    expect(safeNextPath('/')).toBe('/');
    expect(safeNextPath('/investigate?event=abc&at=5')).toBe('/investigate?event=abc&at=5');
    for (const bad of [
      '',
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example',
      'evil',
      '/a\nb',
      `/${'x'.repeat(3000)}`,
    ])
      expect(safeNextPath(bad), bad).toBe('/');
  });
});

describe('the login page', () => {
  it('posts the token to /login with where to go back, escaped; says when a token was wrong', () => {
    const page = loginPage({ next: '/x?a="><script>', wrong: false });
    expect(page).toContain('<form method="post" action="/login"');
    expect(page).toContain('value="/x?a=&#34;&#62;&#60;script&#62;"');
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('not the one');
    expect(loginPage({ next: '/', wrong: true })).toContain('not the one this edge was started with');
    expect(LOGIN_PAGE_CSP).toContain("form-action 'self'");
  });
});
