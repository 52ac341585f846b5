/**
 * The soak run (`npm run soak`; not a test): synthetic traffic through the real product for
 * minutes, measuring what a long run shows and a test cannot.
 *
 *   synthetic fleet (spread-producer.ts, or `skysentinel produce` with --producer cli)
 *     -> Kafka -> P x `skysentinel process` (one consumer group; history to its own PostGIS
 *        database; smoothed tracks to flights.tracks) -> `skysentinel edge` -> C WS clients
 *
 * Every process is the real CLI in its own process. Printed every --report-s and at the end:
 * accepted updates/s (processors' /metrics), end-to-end latency p50/p99 (receipt of the WS
 * frame minus Track.ts; see ws-clients.ts), consumer lag (skysentinel_bus_lag), RSS of every
 * process, WS frames and seq gaps. The last line is one JSON object of the figures.
 *
 *   npm run soak -- [--minutes 10] [--aircraft 20000] [--rate 1] [--clients 100]
 *                   [--processors 1] [--encoding compact|json] [--report-s 30]
 *                   [--producer spread|cli] [--docs] [--keep]
 *
 * --encoding: what the WS clients ask for; compact (the UI's) by default, json is the contract's.
 * --processors: one is the most a 2-core machine sustains best (each extra one adds its own
 * consumer, track publisher and sink connections on the same cores).
 *
 * --minutes 1 is the smoke run. --docs writes the figures to docs/reliability.md (soak section).
 * Starts Kafka and PostGIS with runtime/services/up.sh when they are not running; leaves them
 * running. Its topics and database are dropped at the end unless --keep.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import kafkajs from 'kafkajs';
import pg from 'pg';
import { writeSection } from '../../edge/reliability/docs-section.ts';
import { SERVICE_NODE_FLAGS } from '../cli/node-flags.ts';
import type { BBox } from '../contract/protocol.ts';
import { mulberry32 } from '../testing/prng.ts';
import { type CpuSnapshot, coresBetween, cpuSnapshot } from './cpu.ts';
import { rssDrift, sumMetric } from './figures.ts';
import { LatencyHistogram } from './histogram.ts';
import type { ClientsReport, ClientsStart } from './ws-clients.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'runtime/cli/bin.js');
const KAFKA = process.env.KAFKA_BROKERS || '127.0.0.1:19092';
const DATABASE_URL =
  process.env.DATABASE_URL || 'postgres://skysentinel:skysentinel@127.0.0.1:15432/skysentinel';
const EDGE_PORT = 18710; // processors: 18711, 18712, ...
const SAMPLE_MS = 5000;
/** The synthetic fleet flies in OPENSKY_BBOX (default: New York area); viewports lie inside it. */
const AREA: BBox = [-75.5, 39.8, -72.0, 41.6];

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    aircraft: { type: 'string', default: '20000' },
    rate: { type: 'string', default: '1' },
    clients: { type: 'string', default: '100' },
    processors: { type: 'string', default: '1' },
    encoding: { type: 'string', default: 'compact' },
    'report-s': { type: 'string', default: '30' },
    docs: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    producer: { type: 'string', default: 'spread' },
  },
});
const num = (name: keyof typeof flags, min: number, max: number): number => {
  const n = Number(flags[name]);
  if (!Number.isFinite(n) || n < min || n > max) {
    console.error(`soak: --${name} takes a number from ${min} to ${max}`);
    process.exit(64);
  }
  return n;
};
if (flags.producer !== 'spread' && flags.producer !== 'cli') {
  console.error('soak: --producer takes spread or cli');
  process.exit(64);
}
if (flags.encoding !== 'compact' && flags.encoding !== 'json') {
  console.error('soak: --encoding takes compact or json');
  process.exit(64);
}
const encoding = flags.encoding;
const minutes = num('minutes', 0.2, 600);
const aircraft = num('aircraft', 1, 1_000_000);
const rateHz = num('rate', 0.1, 10);
const clients = num('clients', 0, 5000);
const processors = num('processors', 1, 12);
const reportS = num('report-s', 5, 3600);
const offeredPerS = aircraft * rateHz;

const id = `soak${Date.now().toString(36)}`;
const logDir = mkdtempSync(join(tmpdir(), `${id}-`));
const dbUrl = (() => {
  const u = new URL(DATABASE_URL);
  u.pathname = `/${id}`;
  return u.toString();
})();
const env: Record<string, string> = {
  KAFKA_BROKERS: KAFKA,
  KAFKA_GROUP_ID: id,
  TOPIC_STATE: `${id}.state`,
  TOPIC_UPDATES: `${id}.updates`,
  TOPIC_TRACKS: `${id}.tracks`,
  TOPIC_ANOMALIES: `${id}.anomalies`,
  TOPIC_DLQ: `${id}.dlq`,
  DATABASE_URL: dbUrl,
  LOG_LEVEL: 'warn',
  KAFKAJS_NO_PARTITIONER_WARNING: '1',
};

const log = (msg: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Proc {
  name: string;
  child: ChildProcess;
  exited: Promise<number>;
  rss: number[];
  metricsPort?: number;
}
const procs: Proc[] = [];

/** The real `skysentinel` command (or another script) in its own process, output to a log file. */
function cli(
  name: string,
  args: string[],
  extra: Record<string, string> = {},
  script: string[] = [...SERVICE_NODE_FLAGS, BIN],
): Proc {
  const child = spawn(process.execPath, [...script, ...args], {
    cwd: REPO,
    env: { ...process.env, ...env, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = createWriteStream(join(logDir, `${name}.log`));
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<number>((r) => child.on('exit', (code, sig) => r(code ?? (sig ? 128 : 1))));
  const p: Proc = { name, child, exited, rss: [] };
  procs.push(p);
  return p;
}

async function stop(p: Proc, graceMs = 15_000): Promise<number> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return p.exited;
  p.child.kill('SIGTERM');
  const t = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  const code = await p.exited;
  clearTimeout(t);
  return code;
}

function rssOf(pid: number | undefined): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

async function metricsText(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(4000) });
  return res.text();
}

async function waitHttp(port: number, what: string, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(300);
  }
  throw new Error(`${what} did not answer /healthz on ${port} within ${timeoutMs / 1000} s (log: ${logDir})`);
}

async function servicesUp(): Promise<boolean> {
  const kafka = new kafkajs.Kafka({
    brokers: KAFKA.split(','),
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  const db = new pg.Client({ connectionString: DATABASE_URL });
  try {
    await admin.connect();
    await admin.listTopics();
    await db.connect();
    await db.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
    await db.end().catch(() => {});
  }
}

/** Viewport-sized boxes (~0.9 x 0.5 degrees) inside the fleet's area, seeded. */
function viewports(n: number): BBox[] {
  const rnd = mulberry32(42);
  const [w, s, e, nn] = AREA;
  return Array.from({ length: n }, () => {
    const x = w + rnd() * (e - w - 0.9);
    const y = s + rnd() * (nn - s - 0.5);
    return [round3(x), round3(y), round3(x + 0.9), round3(y + 0.5)] as BBox;
  });
}
const round3 = (x: number) => Math.round(x * 1000) / 1000;

interface Sample {
  tMs: number;
  accepted: number;
  published: number;
  lag: number;
}

async function main(): Promise<void> {
  log(
    `soak ${id}: ${aircraft} aircraft at ${rateHz} Hz (${offeredPerS}/s) for ${minutes} min, ` +
      `${processors} processors, 1 edge, ${clients} WS clients (${encoding}); logs in ${logDir}`,
  );
  if (!(await servicesUp())) {
    log('Kafka or PostGIS not answering: starting them with runtime/services/up.sh');
    const up = spawn('bash', [join(REPO, 'runtime/services/up.sh')], {
      stdio: 'inherit',
      env: { ...process.env, UP_NO_CHROMIUM: '1' },
    });
    const [code] = (await once(up, 'exit')) as [number];
    if (code !== 0) throw new Error(`up.sh failed (exit ${code})`);
  }

  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${id}`);
  await admin.end();
  const kafka = new kafkajs.Kafka({ brokers: KAFKA.split(','), logLevel: kafkajs.logLevel.NOTHING });
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();

  let clientsProc: ChildProcess | null = null;
  try {
    for (const [name, args] of [
      ['migrate', ['migrate']],
      ['topics', ['topics']],
    ] as const) {
      const code = await cli(name, [...args]).exited;
      if (code !== 0) throw new Error(`skysentinel ${name} failed (exit ${code}, log ${logDir}/${name}.log)`);
    }
    for (let i = 0; i < processors; i++) {
      const p = cli(`process-${i + 1}`, ['process'], { HTTP_PORT: String(EDGE_PORT + 1 + i) });
      p.metricsPort = EDGE_PORT + 1 + i;
    }
    const edge = cli('edge', ['edge'], { HTTP_PORT: String(EDGE_PORT) });
    edge.metricsPort = EDGE_PORT;
    await Promise.all(procs.filter((p) => p.metricsPort).map((p) => waitHttp(p.metricsPort!, p.name)));
    log('processors and edge are up');

    const clientsChild = fork(fileURLToPath(new URL('./ws-clients.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
    });
    clientsProc = clientsChild;
    await once(clientsChild, 'message');
    const start: ClientsStart = {
      cmd: 'start',
      url: `ws://127.0.0.1:${EDGE_PORT}/ws/flights`,
      clients,
      boxes: viewports(19),
      measureEvery: 10,
      encoding,
    };
    clientsChild.send(start);
    await once(clientsChild, 'message');
    const clientsRss: number[] = [];
    const report = async (): Promise<ClientsReport> => {
      clientsChild.send({ cmd: 'report' });
      const [r] = (await once(clientsChild, 'message')) as [ClientsReport];
      return r;
    };

    // --producer cli: the product's own `skysentinel produce` (one send per period; see
    // spread-producer.ts for why that is not the default).
    const producer =
      flags.producer === 'cli'
        ? cli('producer', [
            'produce',
            '--mode',
            'synthetic',
            '--aircraft',
            String(aircraft),
            '--rate',
            String(rateHz),
          ])
        : cli('producer', [String(aircraft), String(rateHz), '10'], {}, [
            '--import',
            'tsx',
            fileURLToPath(new URL('./spread-producer.ts', import.meta.url)),
          ]);
    const t0 = Date.now();
    const endMs = t0 + minutes * 60_000;
    log('producer started');

    const samples: Sample[] = [];
    const latencyAll = new LatencyHistogram(); // after the first third (warm-up)
    let latencyPeriod = new LatencyHistogram();
    let frames = 0;
    let deltas = 0;
    let bytes = 0;
    let last: ClientsReport | null = null;
    let lastPrint = t0;
    let maxLag = 0;
    const lagAfterWarmup: number[] = [];
    const stalledPipelines = new Set<string>();
    const lastScrape = new Map<string, { accepted: number; lag: number }>();
    let scrapeFailures = 0;
    const cpuPids = (): Array<[string, number | undefined]> => [
      ...procs
        .filter((p) => p.child.exitCode === null)
        .map((p): [string, number | undefined] => [p.name, p.child.pid]),
      ['ws-clients', clientsChild.pid],
    ];
    let cpuAtWarm: CpuSnapshot | null = null;
    while (Date.now() < endMs) {
      await sleep(Math.min(SAMPLE_MS, Math.max(0, endMs - Date.now())));
      for (const p of procs) {
        const r = rssOf(p.child.pid);
        if (r !== null && p.child.exitCode === null) p.rss.push(r);
      }
      const cr = rssOf(clientsChild.pid);
      if (cr !== null) clientsRss.push(cr);
      for (const p of procs.filter((x) => x.name.startsWith('process-') && !stalledPipelines.has(x.name))) {
        if (
          readFileSync(join(logDir, `${p.name}.log`), 'utf8').includes('ingest pipeline stopped on an error')
        ) {
          stalledPipelines.add(p.name);
          log(`${p.name}: its ingest pipeline stopped on an error but the process runs on (see its log)`);
        }
      }
      const dead = procs.filter(
        (p) => p.child.exitCode !== null && p.name !== 'migrate' && p.name !== 'topics',
      );
      if (dead.length > 0)
        throw new Error(`${dead.map((p) => p.name).join(', ')} exited early (logs: ${logDir})`);
      let accepted = 0;
      let lag = 0;
      for (const p of procs.filter((x) => x.name.startsWith('process-'))) {
        // A scrape that times out (a busy process) keeps the last figures it gave.
        const text = await metricsText(p.metricsPort!).catch(() => null);
        if (text === null) scrapeFailures++;
        else
          lastScrape.set(p.name, {
            accepted: sumMetric(text, 'skysentinel_updates_total', { result: 'accepted' }),
            lag: sumMetric(text, 'skysentinel_bus_lag'),
          });
        accepted += lastScrape.get(p.name)?.accepted ?? 0;
        lag += lastScrape.get(p.name)?.lag ?? 0;
      }
      const offsets = await kafkaAdmin.fetchTopicOffsets(env.TOPIC_UPDATES!);
      const published = offsets.reduce((a, o) => a + Number(o.high), 0);
      samples.push({ tMs: Date.now(), accepted, published, lag });
      const r = await report();
      last = r;
      frames += r.frames;
      deltas += r.deltas;
      bytes += r.bytes;
      latencyPeriod.merge(r.latency, r.latencyMaxMs);
      const warm = Date.now() - t0 > (minutes * 60_000) / 3;
      if (warm) {
        cpuAtWarm ??= cpuSnapshot(cpuPids());
        latencyAll.merge(r.latency, r.latencyMaxMs);
        lagAfterWarmup.push(lag);
      }
      maxLag = Math.max(maxLag, lag);
      if (Date.now() - lastPrint >= reportS * 1000 || Date.now() >= endMs) {
        const back = samples.find((s) => s.tMs >= lastPrint) ?? samples[0]!;
        const prev = samples[samples.indexOf(back) - 1] ?? { tMs: t0, accepted: 0, published: 0, lag: 0 };
        const now = samples.at(-1)!;
        const dt = (now.tMs - prev.tMs) / 1000;
        const rss = procs
          .filter((p) => p.child.exitCode === null)
          .map((p) => `${p.name} ${((p.rss.at(-1) ?? 0) / 1e6).toFixed(0)}`)
          .join(', ');
        log(
          `t+${((now.tMs - t0) / 1000).toFixed(0)}s accepted ${((now.accepted - prev.accepted) / dt).toFixed(0)}/s ` +
            `published ${((now.published - prev.published) / dt).toFixed(0)}/s lag ${now.lag} | ` +
            `latency p50 ${fmt(latencyPeriod.quantile(0.5))} p99 ${fmt(latencyPeriod.quantile(0.99))} ms | ` +
            `WS ${r.open} open, ${(deltas / ((Date.now() - lastPrint) / 1000)).toFixed(0)} deltas/s, gaps ${r.gaps} | ` +
            `RSS MB: ${rss}, clients ${((clientsRss.at(-1) ?? 0) / 1e6).toFixed(0)}`,
        );
        latencyPeriod = new LatencyHistogram();
        deltas = 0;
        lastPrint = Date.now();
      }
    }

    // Figures: throughput over the run after warm-up (first third), RSS drift, latency, lag.
    const warmIdx = Math.floor(samples.length / 3);
    const a = samples[warmIdx]!;
    const b = samples.at(-1)!;
    const spanS = (b.tMs - a.tMs) / 1000;
    const rss: Record<string, ReturnType<typeof rssDrift> & { maxMb: number }> = {};
    for (const p of procs.filter((x) => x.rss.length > 0 && x.name !== 'migrate' && x.name !== 'topics')) {
      const d = rssDrift(p.rss);
      if (d) rss[p.name] = { ...d, maxMb: Math.max(...p.rss) / 1e6 };
    }
    const cd = rssDrift(clientsRss);
    if (cd) rss['ws-clients'] = { ...cd, maxMb: Math.max(...clientsRss) / 1e6 };
    // Cores used after warm-up by each process, and by the rest of the machine (broker, PostgreSQL).
    const cpuCores = cpuAtWarm ? coresBetween(cpuAtWarm, cpuSnapshot(cpuPids())) : {};
    const acceptedPerS = (b.accepted - a.accepted) / spanS;
    const publishedPerS = (b.published - a.published) / spanS;
    const endLag = b.lag;
    const lagMid = mean(lagAfterWarmup.slice(0, Math.floor(lagAfterWarmup.length / 2)));
    const lagEnd = mean(lagAfterWarmup.slice(Math.floor(lagAfterWarmup.length / 2)));
    const sustained = acceptedPerS >= 0.95 * offeredPerS && endLag <= 5 * offeredPerS;
    const figures = {
      id,
      command: `npm run soak -- ${process.argv.slice(2).join(' ')}`.trim(),
      minutes,
      aircraft,
      rateHz,
      offeredPerS,
      processors,
      clients,
      encoding,
      publishedPerS: round1(publishedPerS),
      acceptedPerS: round1(acceptedPerS),
      acceptedTotal: b.accepted,
      sustained,
      pipelinesStopped: [...stalledPipelines],
      metricsScrapeFailures: scrapeFailures,
      latencyMs: {
        p50: round1(latencyAll.quantile(0.5)),
        p99: round1(latencyAll.quantile(0.99)),
        max: round1(latencyAll.maxMs),
        samples: latencyAll.count,
      },
      lag: {
        end: endLag,
        max: maxLag,
        meanFirstHalfAfterWarmup: round1(lagMid),
        meanSecondHalf: round1(lagEnd),
      },
      ws: {
        open: last?.open ?? 0,
        closed: last?.closed ?? 0,
        frames,
        framesPerClientPerS: round1(frames / Math.max(1, clients) / ((Date.now() - t0) / 1000)),
        mbReceived: round1(bytes / 1e6),
        gaps: last?.gaps ?? 0,
        snapshots: last?.snapshots ?? 0,
      },
      rssMb: Object.fromEntries(
        Object.entries(rss).map(([k, v]) => [
          k,
          {
            middle: round1(v.middleMb),
            last: round1(v.lastMb),
            growthPct: round1(v.growthPct),
            max: round1(v.maxMb),
          },
        ]),
      ),
      cpuCores,
      machine: { cores: cpus().length, loadavg1: round1(loadavg()[0]!) },
    };

    log('stopping: producer first, then the clients, the edge and the processors');
    const exitCodes: Record<string, number> = { producer: await stop(producer) };
    clientsChild.kill();
    for (const p of procs.filter(
      (x) => x.name !== 'producer' && x.name !== 'migrate' && x.name !== 'topics',
    )) {
      exitCodes[p.name] = await stop(p);
    }
    log(`exit codes: ${JSON.stringify(exitCodes)}`);
    Object.assign(figures, { exitCodes });
    printSummary(figures);
    if (flags.docs) writeDocs(figures);
    console.log(JSON.stringify(figures));
  } finally {
    clientsProc?.kill();
    await Promise.all(procs.map((p) => stop(p, 5000)));
    if (!flags.keep) {
      await kafkaAdmin
        .deleteTopics({
          topics: Object.entries(env)
            .filter(([k]) => k.startsWith('TOPIC_'))
            .map(([, v]) => v),
        })
        .catch((e) => log(`could not delete the topics: ${e}`));
      const again = new pg.Client({ connectionString: DATABASE_URL });
      await again.connect();
      await again
        .query(`DROP DATABASE IF EXISTS ${id} WITH (FORCE)`)
        .catch((e) => log(`could not drop ${id}: ${e}`));
      await again.end();
    }
    await kafkaAdmin.disconnect();
  }
}

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((x, y) => x + y, 0) / xs.length);
const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
const fmt = (x: number | null) => (x === null ? '-' : x.toFixed(0));

type Figures = Record<string, unknown> & {
  command: string;
  rssMb: Record<
    string,
    { middle: number | null; last: number | null; growthPct: number | null; max: number | null }
  >;
};

function printSummary(f: Figures): void {
  log('summary (after the first third, the warm-up):');
  for (const [k, v] of Object.entries(f)) if (k !== 'rssMb') console.log(`  ${k}: ${JSON.stringify(v)}`);
  for (const [name, r] of Object.entries(f.rssMb)) {
    console.log(
      `  RSS ${name}: middle third ${r.middle} MB, last third ${r.last} MB (${r.growthPct}%), max ${r.max} MB`,
    );
  }
}

function writeDocs(f: Figures): void {
  const j = f as unknown as {
    aircraft: number;
    rateHz: number;
    offeredPerS: number;
    publishedPerS: number;
    acceptedPerS: number;
    sustained: boolean;
    pipelinesStopped: string[];
    minutes: number;
    processors: number;
    clients: number;
    encoding: string;
    latencyMs: { p50: number; p99: number; max: number; samples: number };
    lag: { end: number; max: number; meanFirstHalfAfterWarmup: number; meanSecondHalf: number };
    ws: { open: number; frames: number; framesPerClientPerS: number; gaps: number; mbReceived: number };
    machine: { cores: number; loadavg1: number };
    cpuCores: Record<string, number>;
  };
  const rows = Object.entries(f.rssMb).map(
    ([name, r]) => `| ${name} | ${r.middle} | ${r.last} | ${r.growthPct}% | ${r.max} |`,
  );
  writeSection(
    `soak-figures-${j.aircraft}`,
    [
      `#### ${j.aircraft} aircraft at ${j.rateHz} Hz, ${j.minutes} min (${new Date().toISOString().slice(0, 16)}Z)`,
      '',
      `\`${f.command}\` (${j.processors} processors, 1 edge, ${j.clients} WS clients asking for ${j.encoding} frames; ` +
        `${j.machine.cores} cores shared, load average ${j.machine.loadavg1} at the end)`,
      '',
      '| figure | value |',
      '|---|---|',
      `| offered / published / accepted updates/s (after warm-up) | ${j.offeredPerS} / ${j.publishedPerS} / ${j.acceptedPerS} |`,
      `| sustained (accepted >= 95% of offered, end lag <= 5 s of traffic) | ${j.sustained ? 'yes' : 'no'} |`,
      `| end-to-end latency p50 / p99 / max (WS receipt - Track.ts) | ${j.latencyMs.p50} / ${j.latencyMs.p99} / ${j.latencyMs.max} ms (${j.latencyMs.samples} upserts) |`,
      `| consumer lag: end / max / mean 1st vs 2nd half after warm-up | ${j.lag.end} / ${j.lag.max} / ${j.lag.meanFirstHalfAfterWarmup} vs ${j.lag.meanSecondHalf} |`,
      `| processors whose ingest pipeline stopped on an error (process kept running) | ${j.pipelinesStopped.length === 0 ? 'none' : j.pipelinesStopped.join(', ')} |`,
      `| WS clients open at the end / frames per client per s / seq gaps | ${j.ws.open} / ${j.ws.framesPerClientPerS} / ${j.ws.gaps} |`,
      `| CPU cores used after warm-up (rest = broker, PostgreSQL, anything else) | ${Object.entries(
        j.cpuCores,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')} |`,
      '',
      '| process | RSS middle third (MB) | last third (MB) | growth | max (MB) |',
      '|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  );
  log('figures written to docs/reliability.md');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`soak failed: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
