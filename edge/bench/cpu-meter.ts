/**
 * Process CPU spent inside chosen methods (process.cpuUsage around each call): the benchmark
 * meters the work both servers share (feed, board, frame building) to tell it apart from the
 * fan-out. Wrap only methods called a few times a second: each call costs two getrusage calls.
 */
export class CpuMeter {
  us = 0;

  wrap<T extends object, K extends keyof T>(obj: T, method: K): void {
    const fn = obj[method] as unknown as (...args: unknown[]) => unknown;
    const meter = this;
    (obj as Record<K, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
      const before = process.cpuUsage();
      try {
        return fn.apply(this, args);
      } finally {
        const d = process.cpuUsage(before);
        meter.us += d.user + d.system;
      }
    };
  }
}
