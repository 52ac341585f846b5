/**
 * Graceful shutdown on SIGTERM/SIGINT: runs the steps in order (stop consuming, drain actors,
 * flush sinks, commit offsets, close sockets...), each logged, under one overall deadline. A
 * second signal, or the deadline passing, exits at once with a non-zero code.
 */
export interface ShutdownStep {
  name: string;
  run(): Promise<unknown> | unknown;
}

export interface ShutdownLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ShutdownOptions {
  /** Everything must be done by then (the product promises exit within 10 s). */
  deadlineMs?: number;
  /** Immediate exit (deadline, second signal); tests replace it. */
  exit?: (code: number) => void;
  signals?: NodeJS.Signals[];
}

/** Runs the steps in order; resolves with 0 when all succeeded, 1 when one failed (the rest still run). */
export async function runShutdown(steps: ShutdownStep[], log: ShutdownLog): Promise<number> {
  let code = 0;
  for (const step of steps) {
    const t0 = Date.now();
    try {
      await step.run();
      log.info({ step: step.name, ms: Date.now() - t0 }, 'shutdown step done');
    } catch (e) {
      code = 1;
      log.error({ step: step.name, err: String(e) }, 'shutdown step failed');
    }
  }
  return code;
}

/** Resolves with the exit code once a signal arrived and the steps ran. */
export function untilShutdown(
  steps: () => ShutdownStep[],
  log: ShutdownLog,
  options: ShutdownOptions = {},
): Promise<number> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const deadlineMs = options.deadlineMs ?? 9_000;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  return new Promise((resolve) => {
    let started = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (started) {
        log.error({ signal }, 'second signal: exiting now');
        exit(130);
        return;
      }
      started = true;
      log.info({ signal }, 'shutting down');
      const timer = setTimeout(() => {
        log.error({ deadlineMs }, 'shutdown deadline passed: exiting now');
        exit(1);
      }, deadlineMs);
      timer.unref();
      void runShutdown(steps(), log).then((code) => {
        clearTimeout(timer);
        for (const s of signals) process.off(s, onSignal);
        log.info({ code }, 'stopped');
        resolve(code);
      });
    };
    for (const s of signals) process.on(s, onSignal);
  });
}
