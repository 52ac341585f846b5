import { createWriteStream, existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AirportIndex } from '../../../actors/airports.ts';
import { detectLines, formatSummary } from '../../../actors/detect.ts';
import { loadConfig } from '../../config/config.ts';
import { readLines } from '../../producer/jsonl.ts';
import { parseFlags } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { jsonlWriter } from '../jsonl-writer.ts';
import { UsageError } from '../main.ts';

export const summary = 'run the actors over a JSONL file as fast as possible and print every anomaly event';

export const usage = `Usage: skysentinel detect --input F.jsonl [--airports F] [--output F]

Feeds every line of F (FlightEnvelope JSONL) through the same per-aircraft actors as the live
pipeline (order gate, Kalman filter, anomaly state machines), as fast as they go. Time inside the
actors is the file's own time, so the result is what the live pipeline would report.

  --input F     the JSONL file (required)
  --airports F  GeoJSON airports (default AIRPORTS_FILE, else the bundled fixtures/airports.geojson)
  --output F    write AnomalyEvent JSONL (every open and closed event) here instead of stdout

Malformed lines, and lines over 64 KiB (line_too_long: their size is all that is kept), are
counted and listed by line number (the first few), never fatal. A progress
bar goes to stderr when it is a terminal; a one-line summary (lines, accepted, rejected by reason,
anomalies by type) always does. Nothing is closed artificially at the end of the file.

Exit codes: 0 done, 1 the output could not be written, 64 bad flags, 66 input or airports file
missing, 78 bad configuration.`;

const BUNDLED_AIRPORTS = fileURLToPath(new URL('../../../fixtures/airports.geojson', import.meta.url));

export async function run(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    input: { type: 'string' },
    airports: { type: 'string' },
    output: { type: 'string' },
  });
  if (!flags.input) throw new UsageError('--input is required');
  const config = loadConfig(process.env);
  if (!existsSync(flags.input) || !statSync(flags.input).isFile()) {
    console.error(`skysentinel detect: input file ${flags.input} not found`);
    return EXIT.NOINPUT;
  }
  const airportsFile =
    flags.airports ?? (existsSync(config.AIRPORTS_FILE) ? config.AIRPORTS_FILE : BUNDLED_AIRPORTS);
  if (!existsSync(airportsFile)) {
    console.error(
      `skysentinel detect: airports file ${airportsFile} not found (--airports or AIRPORTS_FILE)`,
    );
    return EXIT.NOINPUT;
  }
  const airports = AirportIndex.load(airportsFile);

  const out = jsonlWriter(flags.output ? createWriteStream(flags.output) : process.stdout, {
    closes: flags.output !== undefined,
  });
  const totalBytes = statSync(flags.input).size;
  let bytesRead = 0;
  const progress = process.stderr.isTTY ? progressBar(() => bytesRead, totalBytes) : null;
  const lines = readLines(flags.input, {
    onRead: (n) => {
      bytesRead = n;
    },
  });

  try {
    const result = await detectLines(lineTexts(lines), {
      airports,
      options: { actorIdleS: config.ACTOR_IDLE_S },
      onEvent: (e) => out.write(e),
      flush: () => out.flush(),
      onProgress: () => progress?.draw(),
    });
    progress?.done();
    await out.end();
    console.error(formatSummary(result));
    return EXIT.OK;
  } catch (e) {
    console.error(`skysentinel detect: writing ${flags.output ?? 'stdout'} failed: ${String(e)}`);
    return EXIT.FAILURE;
  }
}

/** A line's text, or its size when it was over the cap (detectLines counts it invalid). */
async function* lineTexts(lines: ReturnType<typeof readLines>) {
  for await (const l of lines) yield l.text ?? { overLongBytes: l.overLongBytes ?? 0 };
}

/** A one-line progress bar by bytes read, redrawn at most every 100 ms. */
function progressBar(done: () => number, total: number) {
  let last = 0;
  const draw = (force = false) => {
    const t = Date.now();
    if (!force && t - last < 100) return;
    last = t;
    const f = total > 0 ? Math.min(1, done() / total) : 1;
    const width = 30;
    const bar = '#'.repeat(Math.round(f * width)).padEnd(width, '.');
    process.stderr.write(`\r[${bar}] ${(f * 100).toFixed(0).padStart(3)}%`);
  };
  return {
    draw: () => draw(),
    done: () => {
      draw(true);
      process.stderr.write('\n');
    },
  };
}
