/**
 * OpenSky REST client: OAuth2 client credentials (bearer token refreshed before it expires and
 * after a 401), bounding box query, 429 with X-Rate-Limit-Retry-After-Seconds honoured.
 */
import type { OpenSkyStatesResponse } from './opensky.ts';

export interface OpenSkyClientOptions {
  /** REST base, e.g. https://opensky-network.org/api (OPENSKY_API_URL). */
  apiUrl: string;
  /** OAuth2 token endpoint (OPENSKY_TOKEN_URL). */
  tokenUrl: string;
  /** Empty: anonymous requests (lower rate limits). */
  clientId: string;
  clientSecret: string;
  /** w, s, e, n in degrees. */
  bbox: readonly [number, number, number, number];
  fetch?: typeof fetch;
  now?: () => number;
  /** Refresh this long before the token expires. */
  refreshMarginMs?: number;
}

export type StatesAnswer =
  | { kind: 'states'; body: OpenSkyStatesResponse }
  | { kind: 'rate_limited'; retryAfterS: number };

export class OpenSkyError extends Error {
  override name = 'OpenSkyError';
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

export class OpenSkyClient {
  private token: string | null = null;
  private expiresAtMs = 0;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  /** Tokens fetched so far (for logs and tests). */
  tokensFetched = 0;

  constructor(private readonly options: OpenSkyClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
  }

  private get authenticated(): boolean {
    return this.options.clientId !== '';
  }

  private async bearer(): Promise<string | null> {
    if (!this.authenticated) return null;
    const margin = this.options.refreshMarginMs ?? 30_000;
    if (this.token === null || this.now() >= this.expiresAtMs - margin) await this.refreshToken();
    return this.token;
  }

  private async refreshToken(): Promise<void> {
    const res = await this.fetch(this.options.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.options.clientId,
        client_secret: this.options.clientSecret,
      }),
    });
    if (!res.ok) {
      throw new OpenSkyError(
        `token endpoint answered ${res.status}: check OPENSKY_CLIENT_ID / OPENSKY_CLIENT_SECRET`,
        res.status,
      );
    }
    const body = (await res.json()) as { access_token?: string; expires_in?: number };
    if (typeof body.access_token !== 'string')
      throw new OpenSkyError('token endpoint sent no access_token', res.status);
    this.token = body.access_token;
    this.expiresAtMs = this.now() + (body.expires_in ?? 300) * 1000;
    this.tokensFetched++;
  }

  statesUrl(): string {
    const [w, s, e, n] = this.options.bbox;
    const q = new URLSearchParams({
      lamin: String(s),
      lomin: String(w),
      lamax: String(n),
      lomax: String(e),
      extended: '1',
    });
    return `${this.options.apiUrl.replace(/\/$/, '')}/states/all?${q}`;
  }

  /** One GET /states/all for the box; retried once with a fresh token after a 401. */
  async states(): Promise<StatesAnswer> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.bearer();
      const res = await this.fetch(this.statesUrl(), {
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
      });
      if (res.status === 401 && this.authenticated && attempt === 0) {
        await res.body?.cancel();
        this.token = null; // revoked or expired early: fetch a new one and try again
        continue;
      }
      if (res.status === 429) {
        await res.body?.cancel();
        const retry = Number(res.headers.get('x-rate-limit-retry-after-seconds'));
        return { kind: 'rate_limited', retryAfterS: Number.isFinite(retry) && retry > 0 ? retry : 60 };
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new OpenSkyError(`GET /states/all answered ${res.status}`, res.status);
      }
      return { kind: 'states', body: (await res.json()) as OpenSkyStatesResponse };
    }
  }
}
