/**
 * Edge fan-out benchmark (`npm run bench:edge`): 10,000 aircraft each updating once a second,
 * 4 Hz ticks, 1,000 WebSocket clients in 4 processes (990 on regional boxes of ~5% of the
 * traffic, 10 on the whole world). Runs, each server in its own process, one after the other:
 * `uws` (the edge) and `ws` (the same Fanout on a plain `ws` server) with clients on the compact
 * encoding (what the UI uses), `-json` the same with the contract's JSON Tracks, `-deflate` JSON
 * with permessage-deflate.
 * Prints progress, then one JSON line of figures. Env: BENCH_AIRCRAFT, BENCH_CLIENTS,
 * BENCH_SECONDS, BENCH_RUNS (comma list of uws,ws,uws-deflate), BENCH_PROF (a directory: each
 * server writes a V8 CPU profile of the measurement window there, <run>.cpuprofile).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const AIRCRAFT = Number(process.env.BENCH_AIRCRAFT ?? 10_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const WORLD_CLIENTS = Number(process.env.BENCH_WORLD_CLIENTS ?? 10);
const CLIENT_PROCESSES = 4;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP_S = 4;
const RUNS = (process.env.BENCH_RUNS ?? 'uws,ws,uws-json,ws-json').split(',');

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const tsx = { execArgv: ['--import', 'tsx'] };

async function ask<T>(child: ChildProcess, cmd: string): Promise<T> {
  child.send({ cmd });
  const [m] = (await once(child, 'message')) as [T];
  return m;
}

interface ServerFigures {
  cpuShare: number;
  /** Kernel time (socket writes, loopback TCP) within cpuShare. */
  sysCpuShare: number;
  sharedCpuShare: number;
  wallMs: number;
  updatesPerS: number;
  payloadBytesPerS: number;
  framesSkipped: number;
  tickMeanMs: number;
  rssMb: number;
}
interface ClientFigures {
  frames: number;
  upserts: number;
  wireBytes: number;
  behind: number;
  maxLagMs: number;
  open: number;
  cpuS: number;
}

async function run(name: string) {
  const [base, variant] = name.split('-');
  const raw = variant === 'raw';
  const kind = raw ? name : base;
  const compress = variant === 'deflate';
  const encoding = variant === undefined || raw ? 'compact' : 'json';
  console.log(`[${name}] starting server with ${AIRCRAFT} aircraft`);
  const server = fork(here('./bench/server-process.ts'), [kind, String(AIRCRAFT), compress ? '1' : '0'], tsx);
  const [{ port }] = (await once(server, 'message')) as [{ port: number }];
  const per = Math.ceil(CLIENTS / CLIENT_PROCESSES);
  const clients: ChildProcess[] = [];
  for (let p = 0; p < CLIENT_PROCESSES; p++) {
    const n = Math.min(per, CLIENTS - p * per);
    const child = fork(
      here('./bench/client-process.ts'),
      [...[port, p * per, n, WORLD_CLIENTS, compress ? 1 : 0].map(String), encoding],
      tsx,
    );
    child.on('message', (m: { error?: string }) => {
      if (m.error) console.log(`[${name}] client error: ${m.error}`);
    });
    clients.push(child);
  }
  await Promise.all(clients.map((c) => once(c, 'message')));
  console.log(`[${name}] ${CLIENTS} clients connected; warming up ${WARMUP_S} s`);
  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  await Promise.all([ask(server, 'mark'), ...clients.map((c) => ask(c, 'reset'))]);
  console.log(`[${name}] measuring ${SECONDS} s`);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const [s, ...cs] = await Promise.all([
    ask<ServerFigures>(server, 'read'),
    ...clients.map((c) => ask<ClientFigures>(c, 'read')),
  ]);
  for (const c of clients) c.kill();
  server.kill();
  const sum = (f: (c: ClientFigures) => number) => cs.reduce((a, c) => a + f(c), 0);
  const seconds = s.wallMs / 1000;
  const upserts = sum((c) => c.upserts);
  const figures = {
    run: name,
    encoding,
    serverCpuShare: round(s.cpuShare, 3),
    serverSysCpuShare: round(s.sysCpuShare, 3),
    sharedCpuShare: round(s.sharedCpuShare, 3),
    fanoutCpuShare: round(s.cpuShare - s.sharedCpuShare, 3),
    /** The fan-out's user-space part: what the server software itself does per socket and frame. */
    fanoutUserCpuShare: round(s.cpuShare - s.sysCpuShare - s.sharedCpuShare, 3),
    serverCpuUsPerUpsert: upserts > 0 ? round((s.cpuShare * 1e6 * seconds) / upserts, 3) : null,
    framesPerS: Math.round(sum((c) => c.frames) / seconds),
    upsertsDeliveredPerS: Math.round(upserts / seconds),
    aircraftUpdatesPerS: Math.round(s.updatesPerS),
    clientsBehind: sum((c) => c.behind),
    clientsOpen: sum((c) => c.open),
    maxLagMs: Math.max(...cs.map((c) => c.maxLagMs)),
    wireBytesPerUpdate: upserts > 0 ? round(sum((c) => c.wireBytes) / upserts, 1) : null,
    payloadMBPerS: round(s.payloadBytesPerS / 1e6, 1),
    framesSkipped: s.framesSkipped,
    tickMeanMs: round(s.tickMeanMs, 2),
    serverRssMb: Math.round(s.rssMb),
    clientCpuShare: round(sum((c) => c.cpuS) / seconds, 2),
  };
  console.log(`[${name}] ${JSON.stringify(figures)}`);
  await new Promise((r) => setTimeout(r, 1000)); // let the sockets close before the next run
  return figures;
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

console.log(`edge bench on ${cpus().length} cores (shared machine: expect noise)`);
const results: Record<string, Awaited<ReturnType<typeof run>>> = {};
for (const name of RUNS) results[name] = await run(name);
type Figures = Awaited<ReturnType<typeof run>>;
const ratio = (a: Figures | undefined, b: Figures | undefined, f: (x: Figures) => number | null) => {
  const x = a && f(a);
  const y = b && f(b);
  return x && y ? round(x / y, 2) : null;
};
const ratios = (a?: Figures, b?: Figures) => ({
  cpu: ratio(a, b, (x) => x.serverCpuShare),
  cpuPerUpsert: ratio(a, b, (x) => x.serverCpuUsPerUpsert),
  fanoutCpu: ratio(a, b, (x) => x.fanoutCpuShare),
  userCpu: ratio(a, b, (x) => x.serverCpuShare - x.serverSysCpuShare),
  fanoutUserCpu: ratio(a, b, (x) => x.fanoutUserCpuShare),
  sysCpu: ratio(a, b, (x) => x.serverSysCpuShare),
});
console.log(
  JSON.stringify({
    aircraft: AIRCRAFT,
    clients: CLIENTS,
    seconds: SECONDS,
    runs: results,
    uwsToWs: ratios(results.uws, results.ws),
    uwsToWsJson: ratios(results['uws-json'], results['ws-json']),
  }),
);
process.exit(0);
