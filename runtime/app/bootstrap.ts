import { existsSync } from 'node:fs';
import { type Bus, createBus, topicSpecs } from '../bus/index.ts';
import { EXIT } from '../cli/exit-codes.ts';
import { type Config, loadConfig, loadDotEnv } from '../config/config.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { createMetrics, type Metrics } from '../metrics/metrics.ts';
import { type ShutdownStep, shutdownOnSignals } from './shutdown.ts';

export interface App {
  config: Config;
  bus: Bus;
  metrics: Metrics;
  log: Logger;
  /** Waits for SIGTERM/SIGINT, runs the steps in order, resolves with the exit code. */
  shutdown(steps: ShutdownStep[]): Promise<number>;
  /** A fatal failure: shut down like on SIGTERM, then exit 1 (a supervisor restarts the process). */
  fail(reason: string): void;
}

/**
 * What every long-running command starts with: .env + validated configuration (a ConfigError
 * reaches the CLI: exit 78 naming the variable), JSON logs, metrics, the bus (embedded unless
 * KAFKA_BROKERS) with the contract's topics. Returns an exit code instead when it cannot start.
 */
export async function bootstrap(
  command: string,
  /** replayFile: the command runs the SOURCE, and with SOURCE=replay the file must exist. */
  needs: { replayFile?: boolean; kafka?: boolean } = {},
): Promise<App | number> {
  loadDotEnv();
  const config = loadConfig(process.env);
  const log = createLogger(config.LOG_LEVEL).child({ command });
  const signals = shutdownOnSignals(log);
  if (needs.kafka && config.KAFKA_BROKERS.length === 0) {
    log.error(
      {},
      `${command} reads the topics of other processes: set KAFKA_BROKERS (or use \`skysentinel run\`)`,
    );
    return EXIT.CONFIG;
  }
  if (needs.replayFile && config.SOURCE === 'replay' && !existsSync(config.REPLAY_FILE)) {
    log.error({ file: config.REPLAY_FILE }, 'REPLAY_FILE not found');
    return EXIT.NOINPUT;
  }
  const metrics = createMetrics({ processMetrics: true });
  const bus = createBus(config);
  log.info(
    bus.kind === 'kafka' ? { brokers: config.KAFKA_BROKERS } : {},
    bus.kind === 'kafka' ? 'bus: Kafka' : 'bus: embedded (in-process; set KAFKA_BROKERS for Kafka)',
  );
  const created = await bus.ensureTopics(Object.values(topicSpecs(config)));
  if (created.length > 0) log.info({ topics: created }, 'created topics');
  return {
    config,
    bus,
    metrics,
    log,
    shutdown: (steps) => signals.untilShutdown(() => steps),
    fail: (reason) => signals.fail(reason),
  };
}
