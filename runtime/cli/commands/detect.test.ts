import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../testing/cli-process.ts';

// Issue 16 item 2: `detect --output FILE` hung (or exited 13) once one chunk's events outgrew the
// file stream's buffer (its flush waited for a 'drain' that had already happened); and readline
// has no line cap (a 200 MB line took detect to 595 MB).
const run = promisify(execFile);
const FIXTURE = join(REPO_ROOT, 'fixtures/opensky_nyc_sample.jsonl');

/** The fixture with every line of a 3-minute window in its middle removed: a feed outage. */
function outageFixture(dir: string): string {
  const lines = readFileSync(FIXTURE, 'utf8').split('\n');
  const ts = lines.map((l) => Number(/"ts":(\d+)/.exec(l)?.[1] ?? Number.NaN));
  const valid = ts.filter(Number.isFinite);
  const from = (Math.min(...valid) + Math.max(...valid)) / 2;
  const kept = lines.filter((_, i) => !(ts[i]! >= from && ts[i]! < from + 180_000));
  expect(lines.length - kept.length).toBeGreaterThan(1_000);
  const file = join(dir, 'outage.jsonl');
  writeFileSync(file, kept.join('\n'));
  return file;
}

describe('skysentinel detect', () => {
  it('--output FILE with a 3-minute feed outage exits 0 with every event (the same as on stdout)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detect-outage-'));
    const input = outageFixture(dir);
    const out = join(dir, 'events.jsonl');
    const toFile = await run('node', ['runtime/cli/bin.js', 'detect', '--input', input, '--output', out], {
      cwd: REPO_ROOT,
      timeout: 120_000,
    });
    const toStdout = await run('node', ['runtime/cli/bin.js', 'detect', '--input', input], {
      cwd: REPO_ROOT,
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const written = readFileSync(out, 'utf8');
    expect(written.length).toBeGreaterThan(0);
    // The same events, each aircraft's in the same order. Across aircraft the order may differ:
    // the actors run while the input is still being read, as each read yields to them.
    const events = written.trim().split('\n');
    const onStdout = toStdout.stdout.trim().split('\n');
    expect([...events].sort()).toEqual([...onStdout].sort());
    const perAircraft = (lines: string[]) => {
      const by = new Map<string, string[]>();
      for (const l of lines) {
        const icao24 = (JSON.parse(l) as { icao24: string }).icao24;
        by.set(icao24, [...(by.get(icao24) ?? []), l]);
      }
      return Object.fromEntries([...by].sort(([a], [b]) => a.localeCompare(b)));
    };
    expect(perAircraft(events)).toEqual(perAircraft(onStdout));
    expect(toFile.stderr).toMatch(new RegExp(`\\((${events.length}) events\\)`));
  }, 240_000);

  it('--output FILE with more events than any buffer (the fixture 10 times over, shifted) exits 0 with all', async () => {
    // Many aircraft at once, each with its own anomalies: hundreds of KB of events between drains.
    const dir = mkdtempSync(join(tmpdir(), 'detect-many-'));
    const lines = readFileSync(FIXTURE, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const copies: string[] = [];
    for (const l of lines) {
      for (let k = 0; k < 10; k++) {
        copies.push(
          l.replace(
            /"icao24":"([0-9a-f]{6})"/,
            (_m, id: string) =>
              `"icao24":"${((Number.parseInt(id, 16) + k * 0x010101) % 0xffffff).toString(16).padStart(6, '0')}"`,
          ),
        );
      }
    }
    const input = join(dir, 'many.jsonl');
    writeFileSync(input, copies.join('\n'));
    const out = join(dir, 'events.jsonl');
    const { stderr } = await run(
      'node',
      ['runtime/cli/bin.js', 'detect', '--input', input, '--output', out],
      {
        cwd: REPO_ROOT,
        timeout: 200_000,
      },
    );
    const events = readFileSync(out, 'utf8').trim().split('\n');
    expect(events.length).toBeGreaterThan(50); // > 16 KiB, the file stream's buffer
    expect(stderr).toContain(`(${events.length} events)`);
    expect(events.every((e) => JSON.parse(e).v === 1)).toBe(true);
  }, 240_000);

  it('a line over 64 KiB is counted with its size, the lines around it processed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detect-long-'));
    const file = join(dir, 'long.jsonl');
    const good = readFileSync(FIXTURE, 'utf8').split('\n').slice(0, 4);
    const long = `{"v":1,"callsign":"${'X'.repeat(2_000_000)}"}`;
    writeFileSync(file, [good[0], good[1], long, good[2], good[3]].join('\n'));
    const { stderr } = await run('node', ['runtime/cli/bin.js', 'detect', '--input', file], {
      cwd: REPO_ROOT,
    });
    expect(stderr).toContain(`invalid 1 (line 3: line_too_long: ${long.length} bytes (at most 65536))`);
    expect(stderr).toMatch(/^detect: 5 lines, \d+ aircraft, 4 accepted/m);
  }, 60_000);
});
