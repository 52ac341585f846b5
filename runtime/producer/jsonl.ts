import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

/** The lines of a JSONL file, plain or gzip (by the .gz suffix), with 1-based line numbers. */
export async function* readLines(file: string): AsyncGenerator<{ lineNo: number; text: string }> {
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (e) => input.destroy(e));
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  try {
    for await (const text of lines) {
      lineNo++;
      yield { lineNo, text };
    }
  } finally {
    lines.close();
    raw.destroy();
  }
}
