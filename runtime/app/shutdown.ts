/**
 * Graceful shutdown on SIGTERM/SIGINT: runs the steps in order (stop consuming, drain actors,
 * flush sinks, commit offsets, close sockets...), each logged, under one overall deadline; a
 * second signal or the deadline exits at once with a non-zero code.
 */
export interface ShutdownStep {
  name: string;
  run(): Promise<void> | void;
}

export interface ShutdownLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export function onShutdownSignals(
  steps: () => ShutdownStep[],
  log: ShutdownLog,
  options: { deadlineMs?: number; exit?: (code: number) => void } = {},
): { shutdown(reason: string): Promise<void> } {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const deadlineMs = options.deadlineMs ?? 9_000;
  let started: Promise<void> | null = null;
  const shutdown = (reason: string): Promise<void> => {
    if (started) return started;
    started = (async () => {
      const t0 = Date.now();
      log.info({ reason }, 'shutting down');
      const timer = setTimeout(() => {
        log.error({ deadlineMs }, 'shutdown deadline passed: exiting now');
        exit(1);
      }, deadlineMs);
      timer.unref();
      let code = 0;
      for (const step of steps()) {
        try {
          await step.run();
          log.info({ step: step.name }, 'shutdown step done');
        } catch (e) {
          code = 1;
          log.error({ step: step.name, err: e }, 'shutdown step failed');
        }
      }
      clearTimeout(timer);
      log.info({ ms: Date.now() - t0 }, 'stopped');
      exit(code);
    })();
    return started;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) {
      log.error({ signal }, 'second signal: exiting now');
      exit(130);
      return;
    }
    void shutdown(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return { shutdown };
}
