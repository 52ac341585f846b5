import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { LineSplitter, MAX_LINE_BYTES, type SplitLine } from './line-splitter.ts';

/** One line of a JSONL file: its text, or null and its size when it is over the cap. */
export interface JsonlLine {
  lineNo: number;
  text: string | null;
  /** Set when text is null: the line's length in bytes. */
  overLongBytes?: number;
}

export interface ReadLinesOptions {
  /** Longest line kept (default 64 KiB); a longer one comes out with text null and its size. */
  maxLineBytes?: number;
  /** Bytes of the file read so far (compressed bytes for .gz), after each chunk: for progress. */
  onRead?: (bytesRead: number) => void;
}

/**
 * The lines of a JSONL file, plain or gzip (by the .gz suffix), with 1-based line numbers. A line
 * over the cap costs at most the cap in memory (line-splitter.ts), never the line.
 */
export async function* readLines(file: string, o: ReadLinesOptions = {}): AsyncGenerator<JsonlLine> {
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (e) => input.destroy(e));
  const splitter = new LineSplitter(o.maxLineBytes ?? MAX_LINE_BYTES);
  let lineNo = 0;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      o.onRead?.(raw.bytesRead);
      for (const line of splitter.push(chunk)) yield jsonlLine(++lineNo, line);
    }
    for (const line of splitter.end()) yield jsonlLine(++lineNo, line);
  } finally {
    raw.destroy();
  }
}

const jsonlLine = (lineNo: number, line: SplitLine): JsonlLine =>
  'text' in line ? { lineNo, text: line.text } : { lineNo, text: null, overLongBytes: line.overLongBytes };
