import { ensureUiBuilt } from '../../../ui/build.ts';
import { bootstrap } from '../../app/bootstrap.ts';
import { startConfiguredEdge } from '../../app/edge-wiring.ts';
import { startProcessor } from '../../app/processor.ts';
import { createEnvelopePublisher } from '../../producer/publisher.ts';
import { runSource, type SourceKind } from '../../producer/sources.ts';
import { parseFlags } from '../args.ts';
import { EXIT } from '../exit-codes.ts';

export const summary =
  'everything in one process: the source, actors, sinks and the edge (embedded bus by default)';

export const usage = `Usage: skysentinel run [--no-replay]

Runs the whole product in one process: the source SOURCE names (by default the replay of
REPLAY_FILE at REPLAY_SPEED, looping when REPLAY_LOOP; opensky; synthetic; sbs reads a receiver's
SBS-1 stream at SBS_ADDRESS; readsb polls READSB_URL), the actors, the history sink when
DATABASE_URL is set, and the edge with the globe on http://HTTP_HOST:HTTP_PORT. The bus is
in-process unless KAFKA_BROKERS is set.

  --no-replay   run no source; consume what others publish (useful with KAFKA_BROKERS)

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
  const status: Record<string, () => unknown> = {};
  const { edge, pool, anomalyOutput } = await startConfiguredEdge(config, metrics, log, readiness, status);
  const processor = await startProcessor({
    config,
    bus,
    metrics,
    log: log.child({ component: 'processor' }),
    board: edge.board,
    anomalyOutputs: [anomalyOutput],
    onFatal: (reason) => app.fail(reason),
  });
  status.feed = () => processor.router.feedStatus();

  const abort = new AbortController();
  let source: Promise<unknown> = Promise.resolve();
  if (!flags['no-replay']) {
    const kind = config.SOURCE as SourceKind;
    const publisher = createEnvelopePublisher({
      bus,
      topics: { state: config.TOPIC_STATE, updates: config.TOPIC_UPDATES },
      log: (message, published) => log.info({ published }, message),
    });
    source = runSource(kind, {
      config,
      publisher,
      metrics,
      log: log.child({ component: 'producer', source: kind }),
      signal: abort.signal,
    }).then(
      (r) => log.info(r, `${kind} source stopped`),
      (err) => log.error({ err: String(err) }, `${kind} source failed`),
    );
  }
  log.info(
    { url: `http://${config.HTTP_HOST}:${edge.port}/` },
    `SkySentinel is up: open http://${config.HTTP_HOST}:${edge.port}/`,
  );

  return shutdown([
    {
      name: 'stop the source',
      run: async () => {
        abort.abort();
        await source;
      },
    },
    ...processor.shutdownSteps(),
    { name: 'close the edge (WebSockets 1001)', run: () => edge.close() },
    { name: 'close the database pool', run: async () => pool?.end() },
    { name: 'close the bus', run: () => bus.close() },
  ]).then((code) => code ?? EXIT.OK);
}
