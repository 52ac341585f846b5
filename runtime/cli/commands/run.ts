import { ensureUiBuilt } from '../../../ui/build.ts';
import { bootstrap } from '../../app/bootstrap.ts';
import { startConfiguredEdge } from '../../app/edge-wiring.ts';
import { startProcessor } from '../../app/processor.ts';
import { createEnvelopePublisher } from '../../producer/publisher.ts';
import { replayFile } from '../../producer/replay.ts';
import { parseFlags } from '../args.ts';
import { EXIT } from '../exit-codes.ts';

export const summary =
  'everything in one process: replay, actors, sinks and the edge (embedded bus by default)';

export const usage = `Usage: skysentinel run [--no-replay]

Runs the whole product in one process: the replay of REPLAY_FILE at REPLAY_SPEED (looping when
REPLAY_LOOP), the actors, the history sink when DATABASE_URL is set, and the edge with the globe
on http://HTTP_HOST:HTTP_PORT. The bus is in-process unless KAFKA_BROKERS is set.

  --no-replay   do not replay; consume what others publish (useful with KAFKA_BROKERS)

Stops cleanly on SIGTERM/SIGINT (drains actors, flushes the sink, commits, closes sockets).
Exit codes: 0 stopped cleanly, 1 failed at run time, 64 bad flags, 66 replay file missing,
78 bad configuration.`;

export async function run(args: string[]): Promise<number> {
  const flags = parseFlags(args, { 'no-replay': { type: 'boolean' } });
  const app = await bootstrap('run', { replayFile: !flags['no-replay'] });
  if (typeof app === 'number') return app;
  const { config, bus, metrics, log, shutdown } = app;

  try {
    ensureUiBuilt((message) => log.info({}, message));
  } catch (err) {
    log.error({ err: String(err) }, 'building the UI failed: run `npm run build:ui` to see why');
  }
  const readiness: Record<string, () => boolean> = { bus: () => true };
  const { edge, pool, anomalyOutput } = await startConfiguredEdge(config, metrics, log, readiness);
  const processor = await startProcessor({
    config,
    bus,
    metrics,
    log: log.child({ component: 'processor' }),
    board: edge.board,
    anomalyOutputs: [anomalyOutput],
    onFatal: (reason) => app.fail(reason),
  });

  const abort = new AbortController();
  let replay: Promise<unknown> = Promise.resolve();
  if (!flags['no-replay']) {
    const publisher = createEnvelopePublisher({
      bus,
      topics: { state: config.TOPIC_STATE, updates: config.TOPIC_UPDATES },
      log: (message, published) => log.info({ published }, message),
    });
    log.info(
      { file: config.REPLAY_FILE, speed: config.REPLAY_SPEED, loop: config.REPLAY_LOOP },
      'replaying the fixture',
    );
    replay = replayFile({
      file: config.REPLAY_FILE,
      speed: config.REPLAY_SPEED,
      loop: config.REPLAY_LOOP,
      publisher,
      signal: abort.signal,
      onInvalid: (lineNo, reason) => log.warn({ lineNo, reason }, 'replay: invalid line skipped'),
    }).then(
      (r) => log.info(r, 'replay finished'),
      (err) => log.error({ err: String(err) }, 'replay failed'),
    );
  }
  log.info(
    { url: `http://${config.HTTP_HOST}:${edge.port}/` },
    `SkySentinel is up: open http://${config.HTTP_HOST}:${edge.port}/`,
  );

  return shutdown([
    {
      name: 'stop the replay',
      run: async () => {
        abort.abort();
        await replay;
      },
    },
    ...processor.shutdownSteps(),
    { name: 'close the edge (WebSockets 1001)', run: () => edge.close() },
    { name: 'close the database pool', run: async () => pool?.end() },
    { name: 'close the bus', run: () => bus.close() },
  ]).then((code) => code ?? EXIT.OK);
}
