import { type Logger, pino } from 'pino';

/**
 * Structured JSON logs (pino) on stdout; readable colour lines when stdout is a TTY.
 * Components take a child logger: `logger.child({ component: 'sink' })`.
 */
export function createLogger(
  level = process.env.LOG_LEVEL ?? 'info',
  pretty = process.stdout.isTTY === true,
): Logger {
  if (pretty) {
    return pino({
      level,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    });
  }
  return pino({ level, base: { pid: process.pid } });
}

export type { Logger };
