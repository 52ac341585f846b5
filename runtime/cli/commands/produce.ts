import { existsSync } from 'node:fs';
import { createBus, topicSpecs } from '../../bus/index.ts';
import { loadConfig } from '../../config/config.ts';
import { createLogger } from '../../log/logger.ts';
import { runLive } from '../../producer/live.ts';
import { OpenSkyClient } from '../../producer/opensky-client.ts';
import { createEnvelopePublisher } from '../../producer/publisher.ts';
import { replayFile } from '../../producer/replay.ts';
import { runSynthetic } from '../../producer/synthetic-run.ts';
import { numberFlag, parseFlags } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { UsageError } from '../main.ts';

export const summary = 'the ingestion producer: replay a JSONL file, poll OpenSky live, or synthetic traffic';

export const usage = `Usage: skysentinel produce --mode replay|live|synthetic [options]

Publishes FlightEnvelopes keyed by icao24 to TOPIC_STATE (compacted) and TOPIC_UPDATES, with
ingest_ts set at publish, and logs "Published N flights" every 10 s.

  --mode replay     --file F (default REPLAY_FILE; plain or .gz JSONL), --speed X (default
                    REPLAY_SPEED), --loop / --no-loop (default REPLAY_LOOP). Keeps the recorded
                    spacing scaled by the speed; times are shifted so the first fix is "now".
                    Invalid lines are counted and skipped, each logged with its line number.
  --mode live       polls OpenSky /states/all for OPENSKY_BBOX every OPENSKY_POLL_S seconds
                    (OAuth2 client credentials from OPENSKY_CLIENT_ID/SECRET; anonymous if empty).
  --mode synthetic  --aircraft N (default 1000), --rate HZ updates per aircraft (default 1),
                    --seed N: plausible kinematics inside OPENSKY_BBOX, for load tests.

With KAFKA_BROKERS empty it publishes to an in-process bus nobody else reads (use \`skysentinel run\`
for the all-in-one process). Stops cleanly on SIGINT/SIGTERM.

Exit codes: 0 done, 1 bus failure, 64 bad flags, 66 replay file missing, 78 bad configuration.`;

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
  });
  const mode = flags.mode;
  if (mode !== 'replay' && mode !== 'live' && mode !== 'synthetic') {
    throw new UsageError(`--mode must be replay, live or synthetic${mode ? `, got '${mode}'` : ''}`);
  }
  const config = loadConfig(process.env);
  const log = createLogger(config.LOG_LEVEL).child({ component: 'producer', mode });
  const file = flags.file ?? config.REPLAY_FILE;
  if (mode === 'replay' && !existsSync(file)) {
    console.error(`skysentinel produce: replay file ${file} not found (--file or REPLAY_FILE)`);
    return EXIT.NOINPUT;
  }
  const speed = numberFlag('speed', flags.speed, config.REPLAY_SPEED, 0.1, 10_000);
  const aircraft = numberFlag('aircraft', flags.aircraft, 1000, 1, 1_000_000);
  const rateHz = numberFlag('rate', flags.rate, 1, 0.01, 100);
  const seed = numberFlag('seed', flags.seed, 1, 0, 2 ** 31);
  const loop = flags['no-loop'] ? false : (flags.loop ?? config.REPLAY_LOOP);

  if (config.KAFKA_BROKERS.length === 0) {
    log.warn('KAFKA_BROKERS is empty: publishing to an in-process bus that nothing else reads');
  }
  const bus = createBus(config, { kafka: { logLevel: 'error' } });
  const topics = topicSpecs(config);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await bus.ensureTopics([topics.state, topics.updates]);
    const publisher = createEnvelopePublisher({
      bus,
      topics: { state: topics.state.name, updates: topics.updates.name },
      log: (message, published) => log.info({ published }, message),
    });
    if (mode === 'replay') {
      log.info({ file, speed, loop }, 'replaying');
      let logged = 0;
      const r = await replayFile({
        file,
        speed,
        loop,
        publisher,
        signal: stop.signal,
        onInvalid: (line, reason) => {
          // The first 100 each get a line; a file full of junk should not flood the log.
          if (logged++ < 100) log.warn({ file, line, reason }, 'invalid input line skipped');
        },
      });
      log.info({ ...r }, `replay done: ${r.published} published, ${r.invalid} invalid lines skipped`);
    } else if (mode === 'live') {
      const client = new OpenSkyClient({
        apiUrl: config.OPENSKY_API_URL,
        tokenUrl: config.OPENSKY_TOKEN_URL,
        clientId: config.OPENSKY_CLIENT_ID,
        clientSecret: config.OPENSKY_CLIENT_SECRET,
        bbox: config.OPENSKY_BBOX,
      });
      log.info({ bbox: config.OPENSKY_BBOX, pollS: config.OPENSKY_POLL_S }, 'polling OpenSky');
      const s = await runLive({
        client,
        publisher,
        pollS: Number(config.OPENSKY_POLL_S), // typed loosely by definitions.ts (int() widens the kind)
        signal: stop.signal,
        onError: (e) =>
          log.warn({ err: (e as Error).message }, 'OpenSky poll failed; retrying next interval'),
        onPoll: (st) => log.debug(st, 'poll'),
      });
      log.info(s, 'live polling stopped');
    } else {
      log.info({ aircraft, rateHz, seed }, 'synthetic traffic');
      await runSynthetic({
        aircraft,
        rateHz,
        seed,
        bbox: config.OPENSKY_BBOX,
        publisher,
        signal: stop.signal,
      });
    }
    publisher.logTotal();
    return EXIT.OK;
  } catch (e) {
    log.error({ err: (e as Error).message }, 'producer failed');
    return EXIT.FAILURE;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await bus.close().catch(() => {});
  }
}
