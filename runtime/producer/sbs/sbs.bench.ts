/**
 * npm run bench:sbs — how many SBS-1 lines per second one core turns into FlightEnvelopes: line
 * splitting, parsing and merging (parse.ts, merge.ts, as the TCP client runs them, minus the
 * socket and the bus). The input is the real capture fixtures/sbs/afr34zg_cdg_tls.sbs copied over
 * 200 aircraft (distinct addresses, the copies a few seconds apart, lines interleaved in time
 * order): ~480,000 lines of a busy receiver's mix of message types. Baseline measured in the same
 * run: splitting the same text into lines and into fields only (the floor of any CSV reader), and
 * parsing without merging. Times are CPU time of the process (one core), not wall time.
 * A busy receiver sends ~2,000 messages per second; the last line is one JSON object of the figures.
 */
import { readFileSync } from 'node:fs';
import { sbsClock } from './clock.ts';
import { SbsMerger } from './merge.ts';
import { parseSbsLine, SbsLineSplitter } from './parse.ts';

const AIRCRAFT = Number(process.env.BENCH_SBS_AIRCRAFT ?? 200);
const ROUNDS = Number(process.env.BENCH_SBS_ROUNDS ?? 3);
const BUSY_RECEIVER_MSG_S = 2000;

const capture = readFileSync(new URL('../../../fixtures/sbs/afr34zg_cdg_tls.sbs', import.meta.url), 'latin1')
  .split('\r\n')
  .filter((l) => l !== '');
const clock = sbsClock('UTC');
// Each copy: another address and a time offset; then all lines in time order.
const rows: Array<{ ts: number; line: string }> = [];
for (let a = 0; a < AIRCRAFT; a++) {
  const hex = (0x400000 + a).toString(16).toUpperCase();
  const shiftMs = a * 3_000;
  for (const line of capture) {
    const p = parseSbsLine(line, clock);
    if (p.kind !== 'msg') throw new Error(`the capture has a bad line: ${line}`);
    const d = new Date(p.msg.tsMs + shiftMs);
    const date = d.toISOString().slice(0, 10).replaceAll('-', '/');
    const time = d.toISOString().slice(11, 23);
    const f = line.split(',');
    f[4] = hex;
    f[6] = f[8] = date;
    f[7] = f[9] = time;
    rows.push({ ts: p.msg.tsMs + shiftMs, line: f.join(',') });
  }
}
rows.sort((x, y) => x.ts - y.ts);
const text = `${rows.map((r) => r.line).join('\r\n')}\r\n`;
const LINES = rows.length;
const CHUNK = 64 * 1024;

/**
 * CPU seconds of this thread (user + system) for one pass: on a shared machine wall time counts
 * the time other processes held the core; CPU time is what one core of our own would take.
 */
function run(work: (line: string) => void): number {
  const splitter = new SbsLineSplitter();
  const c0 = process.cpuUsage();
  for (let i = 0; i < text.length; i += CHUNK) splitter.push(text.slice(i, i + CHUNK), work, () => {});
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

let fields = 0;
const baseline = () =>
  run((line) => {
    fields += line.split(',').length;
  });
const parseOnly = () =>
  run((line) => {
    if (parseSbsLine(line, clock).kind === 'msg') fields++;
  });
let positions = 0;
const full = () => {
  const merger = new SbsMerger();
  positions = 0;
  return run((line) => {
    const p = parseSbsLine(line, clock);
    if (p.kind === 'msg' && merger.apply(p.msg).kind === 'position') positions++;
  });
};

full(); // warm-up (JIT)
baseline();
const fullS: number[] = [];
const baseS: number[] = [];
const parseS: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  fullS.push(full());
  baseS.push(baseline());
  parseS.push(parseOnly());
}
// Read what the passes counted, so none of their work can be optimised away.
if (fields === 0 || positions === 0) throw new Error('the benchmark passes did no work');
const best = (xs: number[]) => Math.min(...xs);
const linesPerS = Math.round(LINES / best(fullS));
const baselineLinesPerS = Math.round(LINES / best(baseS));
const figures = {
  bench: 'sbs',
  lines: LINES,
  aircraft: AIRCRAFT,
  positions_published: positions,
  lines_per_s: linesPerS,
  ns_per_line: Math.round((best(fullS) * 1e9) / LINES),
  parse_only_lines_per_s: Math.round(LINES / best(parseS)),
  baseline_split_lines_per_s: baselineLinesPerS,
  cost_vs_split: Number((best(fullS) / best(baseS)).toFixed(2)),
  busy_receiver_msg_s: BUSY_RECEIVER_MSG_S,
  headroom_x: Math.round(linesPerS / BUSY_RECEIVER_MSG_S),
  cpu_share_at_busy_receiver_pct: Number(((BUSY_RECEIVER_MSG_S / linesPerS) * 100).toFixed(3)),
  rounds_cpu_s: fullS.map((s) => Number(s.toFixed(3))),
};
console.log(
  `${LINES} lines (${AIRCRAFT} aircraft): ${linesPerS.toLocaleString('en')} lines/s parsed and merged ` +
    `(split only: ${baselineLinesPerS.toLocaleString('en')}), ${figures.headroom_x}x a busy receiver`,
);
console.log(JSON.stringify(figures));
