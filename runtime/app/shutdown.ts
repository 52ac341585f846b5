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

/**
 * Listens for SIGTERM/SIGINT from the moment it is created (so a signal during start-up is not
 * lost), and `untilShutdown(steps)` resolves with the exit code once a signal arrived and the
 * steps ran (at once if the signal came before the steps were known).
 */
export function shutdownOnSignals(log: ShutdownLog, options: ShutdownOptions = {}) {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const deadlineMs = options.deadlineMs ?? 9_000;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let signalled: string | null = null;
  let failed = false;
  let onFirstSignal: (() => void) | null = null;
  const onSignal = (signal: string) => {
    if (signalled) {
      log.error({ signal }, 'second signal: exiting now');
      exit(130);
      return;
    }
    signalled = signal;
    log.info({ reason: signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ deadlineMs }, 'shutdown deadline passed: exiting now');
      exit(1);
    }, deadlineMs);
    timer.unref();
    onFirstSignal?.();
  };
  for (const s of signals) process.on(s, onSignal);
  return {
    get signalled() {
      return signalled;
    },
    /** Something the process cannot go on without failed: shut down the same way, then exit 1. */
    fail(reason: string) {
      failed = true;
      onSignal(reason);
    },
    untilShutdown(steps: () => ShutdownStep[]): Promise<number> {
      return new Promise((resolve) => {
        const go = () =>
          void runShutdown(steps(), log).then((stepsCode) => {
            for (const s of signals) process.off(s, onSignal);
            const code = failed ? 1 : stepsCode;
            log.info({ code }, 'stopped');
            resolve(code);
          });
        if (signalled) go();
        else onFirstSignal = go;
      });
    },
  };
}
