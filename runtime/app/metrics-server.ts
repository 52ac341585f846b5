import { createServer, type Server } from 'node:http';
import { secretCheck } from '../../edge/auth.ts';
import type { Metrics } from '../metrics/metrics.ts';

/**
 * For a process that runs no edge (`process --no-edge`): GET /metrics, /healthz and /readyz on
 * HTTP_HOST:HTTP_PORT, so engineers and Prometheus can still read the actors' metrics. Everything
 * else is 404; with a token set, /metrics and /readyz need it (Bearer header or ?token=, compared
 * in constant time as on the edge; no browser cookie here: this serves programs).
 */
export async function startMetricsServer(o: {
  host: string;
  port: number;
  token: string;
  metrics: Metrics;
  ready: () => boolean;
  /** States shown in /readyz beside `ready` (e.g. `feed`: live or outage). */
  status?: Record<string, () => unknown>;
}): Promise<{ port: number; close(): Promise<void> }> {
  const tokenOk = secretCheck(o.token);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, '{"error":"only GET"}');
    if (url.pathname === '/healthz') return send(200, '{"status":"ok"}');
    const bearer = /^bearer (.*)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    const query = url.searchParams.get('token');
    if (o.token && !(bearer !== undefined && tokenOk(bearer)) && !(query !== null && tokenOk(query))) {
      return send(401, '{"error":"missing or wrong token"}');
    }
    if (url.pathname === '/readyz') {
      const ready = o.ready();
      const states: Record<string, unknown> = {};
      for (const [name, fn] of Object.entries(o.status ?? {})) states[name] = fn();
      return send(ready ? 200 : 503, JSON.stringify({ ready, ...states }));
    }
    if (url.pathname === '/metrics') {
      o.metrics.registry.metrics().then(
        (text) => send(200, text, o.metrics.registry.contentType),
        (e) => send(500, JSON.stringify({ error: String(e) })),
      );
      return;
    }
    send(404, '{"error":"not found: this process serves /metrics, /healthz and /readyz only"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : o.port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
