import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A scripted aircraft.json server for tests (a real HTTP server on 127.0.0.1): each request gets
 * the answer `next` gives (a JSON body, an HTTP error, garbage, or a stall that never answers).
 */
export type AircraftAnswer =
  | { kind: 'json'; body: unknown }
  | { kind: 'status'; status: number }
  | { kind: 'text'; text: string }
  | { kind: 'stall' };

export class TestAircraftServer {
  requests = 0;
  private readonly stalled = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(next: (request: number) => AircraftAnswer, port = 0): Promise<TestAircraftServer> {
    let self: TestAircraftServer | null = null;
    const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
      const s = self as TestAircraftServer;
      const a = next(s.requests++);
      if (a.kind === 'stall') {
        s.stalled.add(res);
        return;
      }
      if (a.kind === 'status') {
        res.writeHead(a.status, { 'content-type': 'text/plain' }).end('receiver error');
        return;
      }
      const body = a.kind === 'json' ? JSON.stringify(a.body) : a.text;
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    const p = (server.address() as { port: number }).port;
    self = new TestAircraftServer(server, `http://127.0.0.1:${p}/data/aircraft.json`);
    return self;
  }

  async close(): Promise<void> {
    for (const res of this.stalled) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A readsb aircraft.json entry with a position (fields as readsb writes them). */
export function readsbAircraft(hex: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    hex,
    type: 'adsb_icao',
    flight: 'DAL123  ',
    alt_baro: 3000,
    alt_geom: 3100,
    gs: 250,
    track: 90,
    baro_rate: -640,
    squawk: '1200',
    category: 'A3',
    lat: 40.6,
    lon: -73.8,
    seen_pos: 0.4,
    seen: 0.1,
    ...over,
  };
}
