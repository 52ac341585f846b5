import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BEGIN, END, type FaultFigures, mergeFigures, recordFigures, renderRow } from './report.ts';

const fig = (test: string, over: Partial<FaultFigures> = {}): FaultFigures => ({
  test,
  fault: 'SIGKILL mid-replay',
  published: 32_093,
  accepted: 32_052,
  historyRows: 32_052,
  duplicates: 0,
  anomaliesExpected: 5,
  anomaliesFound: 5,
  recoveryS: 12.34,
  notes: 'a | b',
  date: '2026-01-02',
  ...over,
});

describe('reliability report section', () => {
  it('renders a row with thousands separators, escaped pipes and one decimal', () => {
    expect(renderRow(fig('kill'))).toBe(
      '| `kill` | SIGKILL mid-replay | 32,093 | 32,052 | 32,052 | 0 | 5 / 5 | 12.3 | a \\| b | 2026-01-02 |',
    );
    expect(renderRow(fig('x', { recoveryS: null }))).toContain('| - |');
  });

  it('adds the markers when absent, keeps the text around them, replaces only its own row', () => {
    const doc0 = '# Reliability\n\nIntro.\n';
    const doc1 = mergeFigures(doc0, fig('kill'));
    expect(doc1.startsWith('# Reliability\n\nIntro.\n')).toBe(true);
    expect(doc1).toContain(BEGIN);
    expect(doc1.trimEnd().endsWith(END)).toBe(true);
    const doc2 = mergeFigures(`${doc1}\n## After\n`, fig('broker'));
    const doc3 = mergeFigures(doc2, fig('kill', { historyRows: 7 }));
    const rows = doc3.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('`kill`');
    expect(rows[0]).toContain('| 7 |');
    expect(rows[1]).toContain('`broker`');
    expect(doc3).toContain('## After');
    expect(doc3.split(BEGIN)).toHaveLength(2);
    expect(mergeFigures(doc3, fig('kill', { historyRows: 7 }))).toBe(doc3); // idempotent
  });

  it('writes the file, and reports (does not throw) when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rel-report-'));
    const file = join(dir, 'reliability.md');
    writeFileSync(file, '# R\n');
    expect(recordFigures(fig('kill'), file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain('`kill`');
    expect(recordFigures(fig('kill'), join(dir, 'missing', 'r.md'))).toBe(false);
    if (process.getuid?.() !== 0) {
      chmodSync(file, 0o444);
      expect(recordFigures(fig('other'), file)).toBe(false);
    }
  });
});
