import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DETECTOR_DEFAULTS, detectorOptions, FPM_MS } from './defaults.ts';
import { defaultsTable, withTable } from './defaults-table.ts';

describe('detector defaults', () => {
  it('match the contract (section 4)', () => {
    const d = DETECTOR_DEFAULTS;
    expect(d.maxSpeedMs).toBeCloseTo(3.5 * 340.29, 6);
    expect(d.implausibleMinDistM).toBe(5_000);
    expect(d.gapResetS).toBe(60);
    expect(d.rapidDescentRateMs).toBeCloseTo(20.3, 1);
    expect(d.rapidDescentCriticalRateMs / FPM_MS).toBeCloseTo(6_000, 6);
    expect(d.rapidDescentMinStartHeightM).toBe(3_000);
    expect(d.airportRadiusM).toBe(50_000);
    expect([d.approachRadiusM, d.approachMaxHeightM, d.lowPointRadiusM]).toEqual([20_000, 1_500, 5_000]);
    expect([d.goAroundMaxLowHeightM, d.goAroundMinClimbM]).toEqual([750, 150]);
    expect([d.emergencyOpenUpdates, d.emergencyCloseUpdates, d.signalLostAfterS, d.actorIdleS]).toEqual([
      2, 2, 120, 300,
    ]);
  });

  it('rejects options that cannot work, naming the option', () => {
    expect(() => detectorOptions({ gapResetS: -1 })).toThrow(/gapResetS/);
    expect(() => detectorOptions({ posSigmaMBySource: [1, 2] })).toThrow(/posSigmaMBySource/);
    expect(() => detectorOptions({ lowPointRadiusM: 30_000 })).toThrow(/lowPointRadiusM/);
    expect(detectorOptions({ actorIdleS: 10 }).actorIdleS).toBe(10);
  });

  it('docs/actors.md carries the table generated from defaults.ts (run `tsx actors/write-docs.ts` after a change)', () => {
    const doc = readFileSync(new URL('../docs/actors.md', import.meta.url), 'utf8');
    expect(withTable(doc)).toBe(doc);
    const table = defaultsTable();
    for (const name of Object.keys(DETECTOR_DEFAULTS)) expect(table).toContain(`| \`${name}\` |`);
  });
});
