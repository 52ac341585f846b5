import { once } from 'node:events';
import type { Writable } from 'node:stream';

/**
 * JSON lines onto a stream with backpressure that cannot hang: `flush()` waits for 'drain' only
 * while the stream still needs one (`writableNeedDrain`). Waiting on a flag set when write() once
 * returned false hung `detect --output` (or exited 13, an unsettled await) whenever the drain had
 * already happened before the wait began. A write error rejects the next flush() or end().
 */
export interface JsonlWriter {
  write(value: unknown): void;
  /** Resolves once the stream's buffer is under its high-water mark. */
  flush(): Promise<void>;
  /** Ends the stream (not stdout) and resolves once everything is written. */
  end(): Promise<void>;
}

export function jsonlWriter(out: Writable, { closes = true } = {}): JsonlWriter {
  let failed: unknown = null;
  out.on('error', (e) => {
    failed ??= e;
  });
  return {
    write(value) {
      out.write(`${JSON.stringify(value)}\n`);
    },
    async flush() {
      if (failed) throw failed;
      if (out.writableNeedDrain) await once(out, 'drain');
    },
    async end() {
      if (failed) throw failed;
      if (!closes) return this.flush();
      await new Promise<void>((resolve, reject) => {
        out.end((err?: Error | null) => (err ? reject(err) : resolve()));
      });
      if (failed) throw failed;
    },
  };
}
