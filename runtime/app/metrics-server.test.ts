import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics/metrics.ts';
import { startMetricsServer } from './metrics-server.ts';

describe('metrics server of a process without an edge, with a token', () => {
  let server: Awaited<ReturnType<typeof startMetricsServer>>;
  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
  beforeAll(async () => {
    server = await startMetricsServer({
      host: '127.0.0.1',
      port: 0,
      token: 's3cret',
      metrics: createMetrics(),
      ready: () => true,
    });
  });
  afterAll(() => server.close());

  it('/metrics and /readyz need the token (Bearer or ?token=); /healthz does not', async () => {
    expect((await fetch(url('/healthz'))).status).toBe(200);
    for (const path of ['/metrics', '/readyz']) {
      expect((await fetch(url(path))).status, path).toBe(401);
      expect((await fetch(url(path), { headers: { authorization: 'Bearer s3cre' } })).status, path).toBe(401);
      expect((await fetch(url(`${path}?token=s3cret2`))).status, path).toBe(401);
      expect((await fetch(url(path), { headers: { authorization: 'Bearer s3cret' } })).status, path).toBe(
        200,
      );
      expect((await fetch(url(path), { headers: { authorization: 'bearer  s3cret' } })).status, path).toBe(
        200,
      );
      expect((await fetch(url(`${path}?token=s3cret`))).status, path).toBe(200);
    }
  });
});
