import type { Config } from '../config/config.ts';
import { parseHostPort } from '../config/config.ts';
import type { Logger } from '../log/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { runLive } from './live.ts';
import { OpenSkyClient } from './opensky-client.ts';
import type { EnvelopePublisher } from './publisher.ts';
import { runReadsbPoller } from './readsb/poller.ts';
import { replayFile } from './replay.ts';
import { runSbsClient } from './sbs/client.ts';
import { sbsClock } from './sbs/clock.ts';
import { runSynthetic } from './synthetic-run.ts';

/** Where flights come from (SOURCE, or `produce --mode`). */
export const SOURCE_KINDS = ['replay', 'opensky', 'synthetic', 'sbs', 'readsb'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export interface SourceOptions {
  config: Config;
  publisher: EnvelopePublisher;
  metrics: Metrics;
  log: Logger;
  signal: AbortSignal;
  /** Command-line values over the configuration's (produce flags). */
  replay?: { file: string; speed: number; loop: boolean };
  synthetic?: { aircraft: number; rateHz: number; seed: number };
  sbsAddress?: string;
  readsbUrl?: string;
  readsbPollMs?: number;
}

/**
 * Runs one source until `signal` aborts (or a replay without loop ends): the one place that turns
 * a SourceKind and the configuration into a running producer, for `run` and `produce` alike.
 * Resolves with the source's summary (logged by the caller).
 */
export async function runSource(kind: SourceKind, o: SourceOptions): Promise<Record<string, unknown>> {
  const { config, publisher, log, signal } = o;
  switch (kind) {
    case 'replay': {
      const r = o.replay ?? {
        file: config.REPLAY_FILE,
        speed: config.REPLAY_SPEED,
        loop: config.REPLAY_LOOP,
      };
      log.info(r, 'replaying');
      let logged = 0;
      const result = await replayFile({
        ...r,
        publisher,
        signal,
        onInvalid: (line, reason) => {
          // The first 100 each get a line; a file full of junk should not flood the log.
          if (logged++ < 100) log.warn({ file: r.file, line, reason }, 'invalid input line skipped');
        },
      });
      return { ...result };
    }
    case 'opensky': {
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
        signal,
        onError: (e) =>
          log.warn({ err: (e as Error).message }, 'OpenSky poll failed; retrying next interval'),
        onPoll: (st) => log.debug(st, 'poll'),
      });
      return { ...s };
    }
    case 'synthetic': {
      const s = o.synthetic ?? { aircraft: 1000, rateHz: 1, seed: 1 };
      log.info(s, 'synthetic traffic');
      return runSynthetic({ ...s, bbox: config.OPENSKY_BBOX, publisher, signal });
    }
    case 'sbs': {
      const address = o.sbsAddress ?? config.SBS_ADDRESS;
      const hp = parseHostPort(address);
      if (hp === null) throw new Error(`SBS address ${JSON.stringify(address)} is not host:port`);
      log.info({ address, timeZone: config.SBS_TIME_ZONE }, 'reading the SBS-1 stream of a receiver');
      const s = await runSbsClient({
        ...hp,
        clock: sbsClock(config.SBS_TIME_ZONE),
        publisher,
        metrics: o.metrics,
        log,
        signal,
      });
      return { ...s };
    }
    case 'readsb': {
      const url = o.readsbUrl ?? config.READSB_URL;
      const intervalMs = o.readsbPollMs ?? Number(config.READSB_POLL_MS);
      log.info({ url, intervalMs }, 'polling a receiver aircraft.json');
      const s = await runReadsbPoller({ url, intervalMs, publisher, metrics: o.metrics, log, signal });
      return { ...s };
    }
  }
}
