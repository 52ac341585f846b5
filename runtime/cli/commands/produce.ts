import { existsSync } from 'node:fs';
import { startMetricsServer } from '../../app/metrics-server.ts';
import { createBus, topicSpecs } from '../../bus/index.ts';
import { loadConfig, parseHostPort } from '../../config/config.ts';
import { createLogger } from '../../log/logger.ts';
import { createMetrics } from '../../metrics/metrics.ts';
import { createEnvelopePublisher } from '../../producer/publisher.ts';
import { runSource, type SourceKind } from '../../producer/sources.ts';
import { numberFlag, parseFlags } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { UsageError } from '../main.ts';

export const summary =
  'the ingestion producer: replay a JSONL file, poll OpenSky, synthetic traffic, or your own receiver (SBS-1, readsb)';

export const usage = `Usage: skysentinel produce --mode replay|live|synthetic|sbs|readsb [options]

Publishes FlightEnvelopes keyed by icao24 to TOPIC_STATE (compacted) and TOPIC_UPDATES, with
ingest_ts set at publish, and logs "Published N flights" every 10 s. --mode defaults to SOURCE.

  --mode replay     --file F (default REPLAY_FILE; plain or .gz JSONL), --speed X (default
                    REPLAY_SPEED), --loop / --no-loop (default REPLAY_LOOP). Keeps the recorded
                    spacing scaled by the speed; times are shifted so the first fix is "now".
                    Invalid lines are counted and skipped, each logged with its line number.
  --mode live       polls OpenSky /states/all for OPENSKY_BBOX every OPENSKY_POLL_S seconds
                    (OAuth2 client credentials from OPENSKY_CLIENT_ID/SECRET; anonymous if empty).
                    (--mode opensky is the same.)
  --mode synthetic  --aircraft N (default 1000), --rate HZ updates per aircraft (default 1),
                    --seed N: plausible kinematics inside OPENSKY_BBOX, for load tests.
  --mode sbs        --sbs HOST:PORT (default SBS_ADDRESS): a receiver's SBS-1 BaseStation stream
                    (dump1090/readsb port 30003). Merges each aircraft's MSG types, publishes each
                    new position with the message's time read in SBS_TIME_ZONE, reconnects with
                    backoff when the receiver goes away, counts and skips malformed lines.
  --mode readsb     --url URL (default READSB_URL), --interval MS (default READSB_POLL_MS): polls
                    a readsb / dump1090-fa / tar1090 aircraft.json, publishes the changed positions.
  --metrics-port N  also serve GET /metrics, /healthz, /readyz on HTTP_HOST:N (0: off, the default)

With KAFKA_BROKERS empty it publishes to an in-process bus nobody else reads (use \`skysentinel run\`
with SOURCE=... for the all-in-one process). Stops cleanly on SIGINT/SIGTERM.

Exit codes: 0 done, 1 bus failure, 64 bad flags, 66 replay file missing, 78 bad configuration.`;

const MODES: Record<string, SourceKind> = {
  replay: 'replay',
  live: 'opensky',
  opensky: 'opensky',
  synthetic: 'synthetic',
  sbs: 'sbs',
  readsb: 'readsb',
};

export async function run(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    mode: { type: 'string' },
    file: { type: 'string' },
    speed: { type: 'string' },
    loop: { type: 'boolean' },
    'no-loop': { type: 'boolean' },
    aircraft: { type: 'string' },
    rate: { type: 'string' },
    seed: { type: 'string' },
    sbs: { type: 'string' },
    url: { type: 'string' },
    interval: { type: 'string' },
    'metrics-port': { type: 'string' },
  });
  const mode = flags.mode;
  const kind = mode === undefined ? undefined : MODES[mode];
  if (mode !== undefined && kind === undefined) {
    throw new UsageError(`--mode must be replay, live, synthetic, sbs or readsb, got '${mode}'`);
  }
  if (flags.sbs !== undefined && parseHostPort(flags.sbs) === null)
    throw new UsageError(`--sbs takes host:port, got '${flags.sbs}'`);
  if (flags.url !== undefined && !/^https?:\/\/./.test(flags.url))
    throw new UsageError(`--url takes an http(s) URL, got '${flags.url}'`);
  // A receiver address on the command line stands in for the variable SOURCE would require.
  const env = { ...process.env };
  if (kind !== undefined) env.SOURCE = kind;
  if (flags.sbs !== undefined) env.SBS_ADDRESS = flags.sbs;
  if (flags.url !== undefined) env.READSB_URL = flags.url;
  const config = loadConfig(env);
  const source = kind ?? (config.SOURCE as SourceKind);
  const log = createLogger(config.LOG_LEVEL).child({ component: 'producer', mode: source });
  const file = flags.file ?? config.REPLAY_FILE;
  if (source === 'replay' && !existsSync(file)) {
    console.error(`skysentinel produce: replay file ${file} not found (--file or REPLAY_FILE)`);
    return EXIT.NOINPUT;
  }
  const speed = numberFlag('speed', flags.speed, config.REPLAY_SPEED, 0.1, 10_000);
  const aircraft = numberFlag('aircraft', flags.aircraft, 1000, 1, 1_000_000);
  const rateHz = numberFlag('rate', flags.rate, 1, 0.01, 100);
  const seed = numberFlag('seed', flags.seed, 1, 0, 2 ** 31);
  const readsbPollMs = numberFlag('interval', flags.interval, Number(config.READSB_POLL_MS), 200, 60_000);
  const metricsPort = numberFlag('metrics-port', flags['metrics-port'], 0, 0, 65535);
  const loop = flags['no-loop'] ? false : (flags.loop ?? config.REPLAY_LOOP);

  if (config.KAFKA_BROKERS.length === 0) {
    log.warn('KAFKA_BROKERS is empty: publishing to an in-process bus that nothing else reads');
  }
  const metrics = createMetrics({ processMetrics: metricsPort > 0 });
  const bus = createBus(config, { kafka: { logLevel: 'error' } });
  const topics = topicSpecs(config);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const server =
    metricsPort > 0
      ? await startMetricsServer({
          host: config.HTTP_HOST,
          port: metricsPort,
          token: config.EDGE_TOKEN,
          metrics,
          ready: () => true,
        })
      : null;
  try {
    await bus.ensureTopics([topics.state, topics.updates]);
    const publisher = createEnvelopePublisher({
      bus,
      topics: { state: topics.state.name, updates: topics.updates.name },
      log: (message, published) => log.info({ published }, message),
    });
    const result = await runSource(source, {
      config,
      publisher,
      metrics,
      log,
      signal: stop.signal,
      replay: { file, speed, loop },
      synthetic: { aircraft, rateHz, seed },
      readsbPollMs,
    });
    log.info(result, `${source} source stopped`);
    publisher.logTotal();
    return EXIT.OK;
  } catch (e) {
    log.error({ err: (e as Error).message }, 'producer failed');
    return EXIT.FAILURE;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await server?.close();
    await bus.close().catch(() => {});
  }
}
